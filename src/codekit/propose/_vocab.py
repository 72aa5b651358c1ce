"""Small word lists for plain-language labels and their jargon check (hand-kept, plain Python, light to import).

- ``COMMON_SHORT``: common English words of two to four letters that may appear in 311 names. A token
  of four letters or fewer that is neither here nor a stop word reads as an internal abbreviation
  ("MRAB", "FEL", "INQ", "TS", "UF").
- ``INTERNAL_WORDS``: words about the catalogue's own bookkeeping, not about a resident's problem.
- ``QUALIFIERS``: words that say who or where ("residential", "private") but not what: they may be part
  of a phrase in a label, never a label on their own.
- ``BEFORE_NOUN``: one-word problem words written before the thing they describe ("Damaged bin").
- ``PARTICLES`` end phrasal verbs ("picked up", "left out"); ``NEGATIONS`` start phrases ("not working").
- ``LABEL_EXPANSIONS``: short forms written out in full in labels only.
"""

from __future__ import annotations

COMMON_SHORT = frozenset(
    """
    ac act add ads age aid air ale all alt amp and ant any ape app arc are arm art ash ask ate axe
    baby back bad bag bags ball ban band bank bar bark barn bars base bat bath bay bbq bear bed beds bee
    beef bell belt bend bent best bet big bike bill bin bins bird bit bite blue boat body bog boil bolt
    bond bone book boom boot born both bowl box boy bug bugs bulb bump bus bush busy buy cab cafe cage
    cake call calm came camp can cans cap car card care carp cars cart case cash cast cat cats cave cell
    chip city clay club coal coat code cold come cone cook cool cop cope copy cord core corn cost cot
    cow crew crib crop cry cub cup curb cut cyst dam damp dark data date day days dead deaf deal debt
    deck deed deep deer den dent desk dial die diet dig dim dirt dish dock dog dogs doll done door dot
    down drip drop drug drum dry duck due dug dump dune dust duty each ear earn east easy eat edge eggs
    elm end even exit eye face fact fade fail fair fall fan fare farm fast fat fax fear fee feed fees
    feet fell felt fence few fig file fill film find fine fir fire firm fish fit five fix flag flat flea
    flew flow flu fly foam fog foil fold food foot for fork form fort foul four fox free frog from fuel
    full fume fun fur fuse gap gas gate gave gear gel get gift girl give glow glue goal goat gold golf
    gone good got gown grab gram gray grew grey grid grit grow gull gum gun gust guy gym hail hair half
    hall halt hand hang hard harm hat have hay hazy head heal heap hear heat held helm help hen herb
    here hid hide high hill hint hip hire hit hive hold hole home hood hook hoop hope horn hose host hot
    hour how hub hug huge hunt hurt hut ice icy idea idle ill inch info ink inn into iron item ivy jam
    jar jaw jet job jog join joke jump junk jury just keep kept key keys kick kid kids kill kind king kit
    kite knee knit knot know lab lack lady laid lake lamp land lane lap last late law lawn laws lay lead
    leaf leak lean left leg legs lend lens less lid lids life lift like lily limb lime line link lint
    lion list lit live load loan lock log logo long look loop loos loose lose loss lost lot lots loud
    love low luck made mail main make male mall man many map maps mark mask mat mate math meal mean
    meat meet melt men menu mess met mice mild mile milk mill mind mine mint miss mist mix moat mode
    mold mole moss most moth move mow much mud mug must nail name nap near neat neck need nest net new
    news next nice nine node noon norm nose note now nut oak oar odd odor off oil old one only open
    oral oven over owl own pace pack pad page paid pail pain pair pale palm pan park part pass past pat
    path pave paw pay pea peak pear peel pen pest pet pets pick pie pier pig pile pill pin pine pink
    pipe pit plan play plot plow plug plum pod poem pole poll pond pool poor pop port pose post pot
    pour pray prey pull pump push put quit race rack raft rag rage raid rail rain ramp ran rank rat
    rats raw ray read real rear red reef rent rest rice rich ride rim ring riot rip rise risk road roar
    rob rock rod rode roll roof room root rope rose rot row rub rug rule run rung runs rush rust sack
    safe sag said sail sale salt same sand sat save saw say scan sea seal seat see seed seek seen self
    sell send sent set sew sewn shed ship shoe shop shot show shut sick side sign silk sill sink sip sit
    site six size skid ski skin sky slab sled slid slip slot slow slug smog snow soap sock sod sofa
    soft soil sold sole some son song soon sore sort soup sour sow spa span spot spun stay stem step
    stop sub such suit sum sun sure swap swim tab tag tail take tale talk tall tank tap tape tar task
    taxi tea team tear tell ten tent term test text that then they thin this tide tidy tie tile till
    time tin tiny tip tire toad toe told toll tomb ton tone too took tool top tore torn tour tow town
    toy toys tram trap tray tree trip tub tube tug turf turn tv two type ugly unit upon urn use used
    user van vase vast vent very vest vet via vice view vine visa void vote wade wage wait wake walk
    wall want war ward warm warn wash wasp wax way weak wear web weed week weld well went west wet
    what when whip who wide wife wig wild will wind wine wing wire wise wish with wok wolf won wood
    wool word wore work worm worn wrap yard year yell yes yet you zero zone zoo
    am pm ok id us no not up on out off in at by to of or an as is it be do go if so we me my he
    rink bee crow hawk mink lice tick moth wasp fawn deer duck swan goose lamb mule pony hose tap
    spa gym arts fair trim cut mow sod weed seed herb bud twig limb stump
    """.split()
)

INTERNAL_WORDS = frozenset(
    "unmapped mapped legacy deprecated obsolete misc miscellaneous placeholder tbd todo dup duplicate "
    "uncategorised uncategorized unclassified unassigned inactive retired".split()
)

QUALIFIERS = frozenset(
    "residential nonresidential multiresidential commercial industrial institutional private public city "
    "municipal new whole multiple single general various "
    # when, not what: Toronto's "Nite Collection" codes made a category "Night not picked up"
    "night day daytime nighttime morning evening weekend weekday early late".split()
)

BEFORE_NOUN = frozenset(
    "damaged broken missing stolen overflowing dead abandoned illegal leaking blocked loose cracked "
    "fallen leaning icy unsafe dirty loud noisy lost stray injured additional extra".split()
)

PARTICLES = frozenset({"up", "out", "off", "down", "open", "back"})
NEGATIONS = frozenset({"not", "no"})

LABEL_EXPANSIONS = {"info": "information", "inq": "enquiry", "enq": "enquiry", "bldg": "building",
                    "appl": "appliances", "hhw": "household hazardous waste"}

#: Nouns that say what is wrong or wanted of a thing: a last part of a name made of one of them joins the
#: part before it ("Shoulder - Maintenance" -> "Shoulder maintenance").
PROBLEM_NOUNS = frozenset(
    "damage damages repair repairs removal replacement maintenance settlement cleanup cleaning inspection "
    "installation collapse leak leaks spill spills".split()
)
