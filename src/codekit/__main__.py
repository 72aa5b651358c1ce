from codekit.cli import main

main()
