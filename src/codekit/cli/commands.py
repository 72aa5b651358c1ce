"""Imports every command module so each registers itself on the app. One line per module."""

# ruff: noqa: F401
from codekit.cli import cmd_profile
from codekit.cli import cmd_catalogue
from codekit.cli import cmd_validate
from codekit.cli import cmd_propose
from codekit.cli import cmd_sample
from codekit.cli import cmd_release
from codekit.cli import cmd_report
from codekit.cli import cmd_signoff
from codekit.cli import cmd_sync
from codekit.cli import cmd_edit
from codekit.cli import cmd_project
from codekit.cli import cmd_lint
from codekit.cli import cmd_timelines
from codekit.cli import cmd_suggest
from codekit.cli import cmd_serve
