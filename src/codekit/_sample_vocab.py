"""The sample city's vocabulary: divisions, sections, problem families and their variants, field bank.

Written for codekit (not copied from any city's list). The structure is what matters: each *family* is a
problem a resident has ("a street tree is damaged"), each *variant* is what tells the codes of one family apart
(the asset, the location, the stream, the severity), and the owner (division, section) can differ per variant.
Quirks real catalogues have are written in on purpose: near-duplicate codes, renamed codes living side by side
with their successors, ``||`` and ``:`` hierarchies in names, internal jargon and abbreviations.

Plain data and small helpers only; imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------------------------------------------------
# Divisions (abbreviation -> name) and their sections
# ----------------------------------------------------------------------------------------------------------

TS = "Transportation Services"
SW = "Solid Waste Management Services"
MLS = "Municipal Licensing & Standards"
TW = "Toronto Water"
UF = "Urban Forestry"
PK = "Parks, Forestry & Recreation"
C311 = "311 Toronto"

DIVISION_PREFIX = {TS: "TS", SW: "SW", MLS: "ML", TW: "TW", UF: "UF", PK: "PK", C311: "CC"}

SECTIONS = {
    TS: ("Road Operations", "Traffic Management Centre", "Right of Way Management", "Signs & Pavement Markings",
         "Structures & Expressways", "Street Lighting", "Winter Operations", "Traffic Safety", "Street Furniture"),
    SW: ("Collections", "Bin Management", "Litter Operations", "Drop-off Depots", "Customer Service (SWMS)"),
    MLS: ("Bylaw Enforcement", "Property Standards", "Animal Services", "Licensing & Permits",
          "Parks & Public Spaces Enforcement"),
    TW: ("Water Distribution", "Wastewater Collection", "Stormwater Management", "Meter Services",
         "Water Quality"),
    UF: ("Tree Maintenance", "Tree Protection & Plan Review", "Tree Planting", "Forest Health"),
    PK: ("Parks Operations", "Parks Forestry", "Horticulture", "Facilities & Amenities", "Aquatics & Rinks"),
    C311: ("Contact Centre", "Service Improvement", "Knowledge Base"),
}

# ----------------------------------------------------------------------------------------------------------
# The field bank: one entry per *question*, with the wordings divisions really use for it
# ----------------------------------------------------------------------------------------------------------

YNU = (("yes", "Yes"), ("no", "No"), ("unknown", "Don't know"))
YNU_SHORT = (("Y", "Y"), ("N", "N"), ("U", "Unk"))


@dataclass(frozen=True)
class Wording:
    key: str
    prompt: str
    values: tuple[tuple[str, str], ...] | None = None  # None: the question's default values


@dataclass(frozen=True)
class Question:
    """One intake question; ``wordings`` are the keys/prompts different forms use for it."""

    qid: str
    datatype: str
    values: tuple[tuple[str, str], ...] = ()
    wordings: tuple[Wording, ...] = ()
    required: bool = False


Q: dict[str, Question] = {}


def _q(qid: str, datatype: str, wordings: list[tuple], values=(), required=False) -> None:
    ws = tuple(Wording(*w) for w in wordings)
    Q[qid] = Question(qid, datatype, tuple(values), ws, required)


_q("hazard", "singlevaluelist", [
    ("hazard", "Is this an immediate hazard?"),
    ("is_hazard", "Hazard to public? (Y/N/Unk)", YNU_SHORT),
    ("danger_now", "Is anyone in danger right now?"),
], YNU, required=True)
_q("location_type", "singlevaluelist", [
    ("location_type", "Where is the problem?"),
    ("loc_type", "Location type"),
    ("LOCATION", "LOCATION (select)"),
], (("road", "Road"), ("sidewalk", "Sidewalk"), ("boulevard", "Boulevard"), ("laneway", "Laneway"),
    ("park", "Park"), ("private", "Private property"), ("other", "Other")), required=True)
_q("date_observed", "datetime", [
    ("date_observed", "When did you first notice it?"),
    ("observed_on", "Date observed"),
    ("when_noticed", "Date/time noticed"),
])
_q("description", "text", [
    ("description", "Tell us more (optional)"),
    ("details", "Additional details"),
    ("comments", "Comments"),
])
_q("landmark", "string", [
    ("landmark", "Nearest landmark or intersection"),
    ("near_to", "Near (landmark)"),
])
_q("pothole_size", "singlevaluelist", [
    ("pothole_size", "About how big is it?"),
    ("ph_size", "PH size"),
], (("small", "Smaller than a dinner plate"), ("medium", "Up to a car tire"), ("large", "Bigger than a car tire")))
_q("surface", "singlevaluelist", [
    ("surface", "What is the surface made of?"),
    ("material", "Material"),
], (("asphalt", "Asphalt"), ("concrete", "Concrete"), ("interlock", "Interlocking brick"), ("gravel", "Gravel"),
    ("unknown", "Don't know")))
_q("lanes_blocked", "singlevaluelist", [
    ("lanes_blocked", "Is traffic blocked?"),
    ("blocking", "Blocking lanes?"),
], (("none", "No"), ("partial", "Partly"), ("full", "Fully blocked")))
_q("signal_issue", "singlevaluelist", [
    ("signal_issue", "What is wrong with the signal?"),
    ("sig_prob", "Signal problem"),
], (("dark", "All lights out"), ("flashing", "Flashing"), ("stuck", "Stuck on one colour"),
    ("timing", "Timing too short/long"), ("damaged", "Damaged / knocked down"), ("button", "Push button not working")))
_q("sign_type", "singlevaluelist", [
    ("sign_type", "Which kind of sign?"),
    ("sign", "Sign type"),
], (("stop", "Stop"), ("yield", "Yield"), ("street_name", "Street name"), ("parking", "Parking"),
    ("speed", "Speed limit"), ("other", "Other")))
_q("pole_number", "string", [
    ("pole_number", "Pole number (on the metal tag)"),
    ("pole_id", "Pole ID #"),
])
_q("light_issue", "singlevaluelist", [
    ("light_issue", "What is the light doing?"),
    ("lt_cond", "Light condition"),
], (("out", "Out"), ("flickering", "Flickering"), ("day_burning", "On during the day"), ("damaged", "Damaged")))
_q("graffiti_offensive", "singlevaluelist", [
    ("offensive", "Is it offensive or hateful?"),
    ("hate_graffiti", "Hate/offensive content? Y/N"),
], YNU)
_q("graffiti_surface", "singlevaluelist", [
    ("graffiti_surface", "What is it on?"),
    ("gr_surface", "Surface"),
], (("wall", "Wall"), ("fence", "Fence"), ("bridge", "Bridge / underpass"), ("box", "Utility or signal box"),
    ("pole", "Pole"), ("sign", "Sign"), ("other", "Other")))
_q("vehicle_plate", "string", [
    ("vehicle_plate", "Licence plate"),
    ("plate_no", "Plate #"),
    ("veh_plate", "Vehicle plate (if known)"),
])
_q("vehicle_desc", "string", [
    ("vehicle_desc", "Make, model and colour"),
    ("veh_description", "Vehicle description"),
])
_q("num_items", "number", [
    ("num_items", "How many items?"),
    ("qty", "Quantity"),
    ("item_count", "Number of items"),
])
_q("item_type", "multivaluelist", [
    ("item_type", "What items are they?"),
    ("items", "Item(s)"),
], (("furniture", "Furniture"), ("mattress", "Mattress / box spring"), ("appliance", "Appliance"),
    ("electronics", "Electronics"), ("tires", "Tires"), ("construction", "Construction material"),
    ("bags", "Bags of garbage"), ("other", "Other")))
_q("bin_size", "singlevaluelist", [
    ("bin_size", "Bin size"),
    ("cart_size", "Cart size (S/M/L/XL)"),
], (("S", "Small"), ("M", "Medium"), ("L", "Large"), ("XL", "Extra large")), required=True)
_q("bin_serial", "string", [
    ("bin_serial", "Serial number on the front of the bin"),
    ("cart_sn", "Cart S/N"),
])
_q("bin_damage", "singlevaluelist", [
    ("bin_damage", "What is broken?"),
    ("damage_part", "Damaged part"),
], (("lid", "Lid"), ("wheel", "Wheel or axle"), ("body", "Body cracked"), ("handle", "Handle")))
_q("collection_day", "singlevaluelist", [
    ("collection_day", "Your collection day"),
    ("coll_day", "Collection day"),
], (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"), ("fri", "Friday")))
_q("set_out_time", "datetime", [
    ("set_out_time", "When did you put it out?"),
    ("placed_out", "Placed at curb (date/time)"),
])
_q("property_type", "singlevaluelist", [
    ("property_type", "What type of property?"),
    ("prop_type", "Property type"),
], (("house", "House"), ("multi", "Apartment or condo"), ("business", "Business"), ("vacant", "Vacant lot")))
_q("animal_type", "singlevaluelist", [
    ("animal_type", "What kind of animal?"),
    ("species", "Species"),
    ("animal", "Animal"),
], (("dog", "Dog"), ("cat", "Cat"), ("raccoon", "Raccoon"), ("skunk", "Skunk"), ("squirrel", "Squirrel"),
    ("bird", "Bird"), ("coyote", "Coyote"), ("fox", "Fox"), ("deer", "Deer"), ("other", "Other")), required=True)
_q("animal_condition", "singlevaluelist", [
    ("animal_condition", "What condition is the animal in?"),
    ("condition", "Condition"),
], (("injured", "Injured"), ("sick", "Sick / acting strangely"), ("dead", "Dead"), ("aggressive", "Aggressive"),
    ("trapped", "Trapped")))
_q("animal_count", "number", [
    ("animal_count", "How many animals?"),
    ("num_animals", "# of animals"),
])
_q("dog_tag", "string", [
    ("dog_tag", "Dog licence tag number (if seen)"),
    ("licence_tag", "Tag #"),
])
_q("noise_source", "singlevaluelist", [
    ("noise_source", "What is making the noise?"),
    ("noise_type", "Noise type"),
], (("music", "Amplified music"), ("construction", "Construction"), ("vehicle", "Vehicle / idling"),
    ("equipment", "Equipment (AC, generator)"), ("people", "People / party"), ("other", "Other")))
_q("recurring", "singlevaluelist", [
    ("recurring", "Does this happen often?"),
    ("ongoing", "Ongoing issue?"),
], YNU)
_q("time_of_day", "singlevaluelist", [
    ("time_of_day", "When does it happen?"),
    ("tod", "Time of day"),
], (("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening"), ("night", "Overnight")))
_q("tree_size", "singlevaluelist", [
    ("tree_size", "How big is the tree or branch?"),
    ("dbh_class", "DBH class"),
], (("small", "Smaller than a fist"), ("medium", "Up to a dinner plate"), ("large", "Larger than a dinner plate")))
_q("tree_blocking", "singlevaluelist", [
    ("tree_blocking", "Is it blocking anything?"),
    ("obstructing", "Obstructing (road/sidewalk/none)"),
], (("road", "Road"), ("sidewalk", "Sidewalk"), ("driveway", "Driveway"), ("wires", "On wires"), ("none", "Nothing")))
_q("tree_species", "string", [
    ("tree_species", "Tree species (if known)"),
    ("species_tree", "Species"),
])
_q("water_colour", "singlevaluelist", [
    ("water_colour", "What does the water look like?"),
    ("wq_appearance", "Appearance"),
], (("brown", "Brown / rusty"), ("white", "Milky / cloudy"), ("particles", "Particles"), ("clear", "Clear but smells")))
_q("water_where", "singlevaluelist", [
    ("water_where", "Where is the water coming from?"),
    ("leak_loc", "Leak location"),
], (("road", "Road"), ("sidewalk", "Sidewalk"), ("boulevard", "Boulevard / grass"), ("hydrant", "Hydrant"),
    ("building", "Inside a building")))
_q("basement_depth", "number", [
    ("basement_depth", "How deep is the water (cm)?"),
    ("flood_cm", "Depth (cm)"),
])
_q("meter_number", "string", [
    ("meter_number", "Water meter number"),
    ("mtr_no", "Meter #"),
])
_q("hydrant_number", "string", [
    ("hydrant_number", "Hydrant number (if visible)"),
    ("hyd_id", "Hydrant ID"),
])
_q("park_name", "string", [
    ("park_name", "Name of the park"),
    ("park", "Park"),
    ("facility_name", "Facility / park name"),
])
_q("amenity", "singlevaluelist", [
    ("amenity", "Which amenity?"),
    ("asset_type", "Asset type"),
], (("bench", "Bench"), ("table", "Picnic table"), ("fountain", "Drinking fountain"), ("fence", "Fence"),
    ("path", "Path"), ("sign", "Sign"), ("light", "Light"), ("other", "Other")))
_q("needle_count", "number", [
    ("needle_count", "How many needles?"),
    ("sharps_qty", "Sharps qty"),
])
_q("business_name", "string", [
    ("business_name", "Name of the business"),
    ("biz_name", "Business name"),
    ("operating_name", "Operating name"),
])
_q("licence_number", "string", [
    ("licence_number", "Licence number (if known)"),
    ("lic_no", "Lic #"),
])
_q("unit", "string", [
    ("unit", "Unit or apartment number"),
    ("suite", "Suite #"),
])
_q("contact_ok", "singlevaluelist", [
    ("contact_ok", "May an officer contact you?"),
    ("callback", "Callback requested?"),
], YNU)
_q("staff_or_vehicle", "string", [
    ("vehicle_number", "City vehicle number (on the truck)"),
    ("unit_no", "Truck/unit #"),
])
_q("service_area", "singlevaluelist", [
    ("service_area", "Which service is this about?"),
    ("svc", "Service"),
], (("roads", "Roads"), ("garbage", "Garbage & recycling"), ("water", "Water"), ("trees", "Trees"),
    ("parks", "Parks"), ("bylaw", "Bylaw"), ("animals", "Animals"), ("other", "Other")))

#: Each division's own house style for a question (index into Question.wordings); missing: wording 0.
DIVISION_STYLE = {TS: 1, SW: 0, MLS: 2, TW: 1, UF: 0, PK: 2, C311: 0}

# ----------------------------------------------------------------------------------------------------------
# Families and variants
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class V:
    """A variant of a family: one code (or, with quirks, more than one)."""

    variant: str
    name: str
    division: str | None = None  # None: the family's owner
    section: str | None = None
    pop: float = 1.0  # relative popularity within the family
    status: str = "active"
    renamed_to: str | None = None  # this is an old name; the successor is the variant's first code
    near_dup: bool = False  # a second active code for the same variant, named differently
    dims: tuple[tuple[str, str], ...] = ()
    fields: tuple[str, ...] = ()  # extra questions for this variant only
    season: str | None = None  # None: the family's season


@dataclass(frozen=True)
class Family:
    key: str
    label: str  # the resident's words
    division: str
    section: str
    fields: tuple[str, ...]
    variants: tuple[V, ...]
    pop: float = 1.0  # family popularity (relative)
    sla: float = 10.0
    ctl: int = 2
    jargon: float = 0.2  # 0 plain, 1 opaque internal jargon: drives error rates
    season: str = "any"  # any | winter | summer | fall
    keywords: tuple[str, ...] = ()
    confused_with: tuple[str, ...] = ()  # families with similar-sounding names
    describe: str = ""


FAMILIES: list[Family] = []


def fam(key, label, division, section, fields, variants, **kw) -> None:
    FAMILIES.append(Family(key, label, division, section, tuple(fields), tuple(variants), **kw))


# ---- Transportation Services ------------------------------------------------------------------------------

RO, TMC, ROW, SPM, SX, SL, WO, TSF, SF = SECTIONS[TS]

fam("pothole", "Pothole", TS, RO, ("hazard", "pothole_size", "lanes_blocked", "date_observed"), [
    V("local-road", "Road - Pot hole (Minor)", pop=4),
    V("local-road", "Pothole / Roadway Damage", near_dup=True, pop=0.8),
    V("arterial", "Pothole: Major Road", pop=3),
    V("expressway", "Expressway || Pothole", section=SX, pop=0.8),
    V("laneway", "Laneway - Pot Hole", pop=0.7),
    V("bike-lane", "Cycle Track / Bike Lane Pothole", pop=0.4),
    V("bridge-deck", "Bridge Deck - Surface Hole", section=SX, pop=0.2),
    V("local-road", "PH-RD Pothole Repair (old)", status="retired", renamed_to="Road - Pot hole (Minor)", pop=0.05),
], pop=9, sla=5, ctl=2, jargon=0.15, season="winter", keywords=("pothole", "hole", "road damage"),
    confused_with=("road-surface", "sidewalk-damage", "utility-cut"))
fam("road-surface", "Damaged road surface", TS, RO, ("hazard", "surface", "date_observed", "description"), [
    V("sinking", "Road - Sinking / Depression", pop=2),
    V("cracked", "Road - Cracking (Non-Emergency)", pop=1),
    V("heaved", "Road Surface: Heaved / Frost Boil", pop=0.5),
    V("bridge", "Bridge Deck - Surface Damage", section=SX, pop=0.3),
    V("expressway", "Expressway || Surface Damage", section=SX, pop=0.3),
    V("shoulder", "Road Shoulder Washout", pop=0.2),
], pop=4, sla=20, ctl=2, jargon=0.3, keywords=("road", "sinking", "crack"), confused_with=("pothole", "utility-cut"))
fam("utility-cut", "Road not fixed after digging", TS, ROW, ("hazard", "surface", "landmark"), [
    V("road", "Utility Cut - Sunken Patch", pop=2),
    V("sidewalk", "Sidewalk Utility Cut - Not Restored", pop=1),
    V("boulevard", "Blvd Utility Cut - Sod Not Restored", pop=0.5),
    V("road", "ROW:UC:Settlement", near_dup=True, pop=0.3),
], pop=2, sla=30, ctl=3, jargon=0.7, keywords=("utility cut", "excavation"), confused_with=("road-surface", "pothole"))
fam("sidewalk-damage", "Broken or uneven sidewalk", TS, RO, ("hazard", "surface", "date_observed"), [
    V("uneven", "Sidewalk - Uneven / Trip Hazard", pop=3),
    V("cracked", "Sidewalk - Cracked Slab", pop=1.5),
    V("missing", "Sidewalk: Missing Section", pop=0.4),
    V("curb", "Curb - Broken / Chipped", pop=1),
    V("bus-pad", "TTC Bus Pad - Broken Concrete", pop=0.3),
    V("walkway", "Walkway - Uneven / Trip Hazard", pop=0.6),
    V("park-path", "Park Pathway - Broken Asphalt", division=PK, section="Parks Operations", pop=0.5),
    V("driveway-apron", "Driveway Apron Damaged by City Work", pop=0.3),
    V("uneven", "Sidewalk Repair (legacy)", status="retired", renamed_to="Sidewalk - Uneven / Trip Hazard", pop=0.02),
], pop=5, sla=30, ctl=2, jargon=0.2, keywords=("sidewalk", "trip", "curb"), confused_with=("pothole", "road-surface"))
fam("road-debris", "Debris on the road", TS, RO, ("hazard", "lanes_blocked", "description"), [
    V("road", "Road - Debris/Spill Cleanup", pop=3),
    V("expressway", "Expressway || Debris / Object on Roadway", section=SX, pop=0.8),
    V("laneway", "Laneway Cleaning", pop=0.6),
    V("bike-lane", "Bike Lane - Debris / Glass", pop=0.5),
    V("spill", "Road - Spill (Oil/Fuel) NON-EMERG", pop=0.4),
    V("sidewalk", "Sidewalk - Cleaning / Debris", pop=0.8),
    V("road", "Street Sweeping Request", near_dup=True, pop=0.7),
    V("mud-tracking", "Mud Tracking from Construction Site", section=ROW, pop=0.3),
], pop=4, sla=7, ctl=1, jargon=0.2, keywords=("debris", "sweeping", "glass"), confused_with=("illegal-dumping", "litter"))
fam("snow-ice", "Snow or ice not cleared", TS, WO, ("hazard", "location_type", "date_observed"), [
    V("road", "Snow - Road Plowing Required", pop=4),
    V("sidewalk", "Snow - Sidewalk Plowing Required", pop=3),
    V("salting", "Salting Request - Roadway", pop=2),
    V("windrow", "Windrow Clearing - Missed", pop=1.5),
    V("bus-stop", "Snow/Ice at TTC Stop", pop=0.8),
    V("bike-lane", "Bike Lane Snow Clearing", pop=0.4),
    V("laneway", "Laneway Plowing", pop=0.5),
    V("piled-high", "Boulevards - Snow Piled Too High", pop=0.6),
    V("icy-sidewalk", "Sidewalk - Icy Conditions", pop=1.2),
    V("park-path", "Park Path - Snow/Ice", division=PK, section="Parks Operations", pop=0.4),
    V("private-sidewalk", "Snow Not Cleared - Private Property Sidewalk", division=MLS, section="Bylaw Enforcement", pop=0.6),
    V("road", "WO: Plow Request (pre-2024)", status="retired", renamed_to="Snow - Road Plowing Required", pop=0.03),
], pop=6, sla=2, ctl=1, jargon=0.25, season="winter", keywords=("snow", "ice", "plow", "salt"))
fam("traffic-signal", "Traffic signal problem", TS, TMC, ("hazard", "signal_issue", "landmark"), [
    V("malfunction", "Traffic Signal - Malfunction", pop=3),
    V("timing", "Traffic Signal Timing Review", pop=1),
    V("ped-button", "Pedestrian Push Button Not Working", pop=0.8),
    V("audible", "APS (Accessible Ped Signal) Issue", pop=0.3),
    V("bike-signal", "Bike Signal - Timing / Fault", pop=0.2),
    V("knocked-down", "Signal Pole Knockdown", pop=0.3),
    V("new", "New Traffic Signal Request", section=TSF, pop=0.4),
    V("malfunction", "TMC || Signal Fault", near_dup=True, pop=0.4),
], pop=3, sla=1, ctl=2, jargon=0.35, keywords=("traffic light", "signal", "lights"),
    confused_with=("streetlight",))
fam("sign", "Road sign missing or damaged", TS, SPM, ("hazard", "sign_type", "landmark"), [
    V("missing", "Sign - Missing/Knocked Down", pop=3),
    V("stop", "Stop Sign - Down / Missing", pop=1.5),
    V("street-name", "Street Name Sign - Replace", pop=0.7),
    V("parking", "Parking Regulation Sign Damaged", pop=0.6),
    V("obstructed", "Sign Obstructed (Visibility)", pop=0.4),
    V("new", "Sign - New Installation Request", pop=0.5),
    V("private", "Illegal Sign on Private Property", division=MLS, section="Bylaw Enforcement", pop=0.3),
    V("row-sign", "Portable Sign in ROW - Unpermitted", section=ROW, pop=0.4),
], pop=3, sla=10, ctl=1, jargon=0.25, keywords=("sign", "stop sign"), confused_with=("pavement-markings",))
fam("pavement-markings", "Faded road markings", TS, SPM, ("location_type", "description"), [
    V("crosswalk", "Pavement Markings - Crosswalk Faded", pop=1),
    V("lane-lines", "Pavement Markings - Lane Lines", pop=0.8),
    V("bike-lane", "Bike Lane Markings Faded", pop=0.4),
    V("stop-bar", "Stop Bar / Zebra Repaint", pop=0.3),
    V("crosswalk", "PM:XWALK", near_dup=True, pop=0.1),
], pop=1.5, sla=60, ctl=1, jargon=0.4, keywords=("paint", "lines", "crosswalk"), confused_with=("sign",))
fam("streetlight", "Street light out", TS, SL, ("pole_number", "light_issue", "hazard"), [
    V("road", "Streetlight Out", pop=3),
    V("multiple", "Streetlights Out - Multiple Poles", pop=0.8),
    V("day-burning", "Streetlight On During Day", pop=0.4),
    V("pole-damaged", "Light Pole - Damaged / Leaning", pop=0.5),
    V("laneway", "Laneway Light Out", pop=0.3),
    V("underpass", "Underpass Lighting || Structures", section=SX, pop=0.2),
    V("park", "Park Light Out", division=PK, section="Facilities & Amenities", pop=0.5),
    V("private", "Light Trespass - Private Lighting", division=MLS, section="Property Standards", pop=0.2),
    V("road", "SL-OUT (Hydro Ref)", status="retired", renamed_to="Streetlight Out", pop=0.05),
], pop=3, sla=10, ctl=2, jargon=0.3, keywords=("street light", "lamp"), confused_with=("traffic-signal",))
fam("graffiti", "Graffiti", TS, SF, ("graffiti_offensive", "graffiti_surface", "landmark"), [
    V("bridge", "Graffiti - City Bridge / Underpass", section=SX, pop=1, dims=(("asset", "city-bridge"),)),
    V("road-sign", "Graffiti on Traffic Sign", section=SPM, pop=0.5, dims=(("asset", "sign"),)),
    V("signal-box", "Graffiti - Signal Control Box", section=TMC, pop=0.4, dims=(("asset", "signal-box"),)),
    V("street-furniture", "Graffiti: Street Furniture (Bench/Shelter)", pop=0.8),
    V("utility-pole", "Graffiti - Utility Pole (Not City)", division=C311, section="Contact Centre", pop=0.6,
      dims=(("asset", "utility-pole"), ("owner", "not-city"))),
    V("park-building", "Graffiti - Park Building / Washroom", division=PK, section="Parks Operations", pop=0.6),
    V("private", "Graffiti - Private Property", division=MLS, section="Property Standards", pop=1.5),
    V("private", "Graffiti Vandalism - Private Bldg Complaint", division=MLS, section="Bylaw Enforcement",
      near_dup=True, pop=0.3),
    V("litter-bin", "Graffiti - Street Litter Bin", division=SW, section="Litter Operations", pop=0.2),
    V("bridge", "GRF-BRG (old)", section=SX, status="retired", renamed_to="Graffiti - City Bridge / Underpass", pop=0.02),
], pop=3, sla=14, ctl=2, jargon=0.3, keywords=("graffiti", "tag", "spray paint", "vandalism"))
fam("row-obstruction", "Something blocking the road or sidewalk", TS, ROW, ("hazard", "description", "landmark"), [
    V("construction", "ROW - Construction Hoarding Blocking Sidewalk", pop=1),
    V("bin-on-road", "Construction Bin/Dumpster on Road", pop=0.6),
    V("encroachment", "Encroachment - Private Structure in ROW", pop=0.4),
    V("patio", "Cafe/Patio Encroachment", pop=0.3),
    V("vegetation", "Hedge/Vegetation Overhanging Sidewalk", division=MLS, section="Property Standards", pop=0.5),
    V("basketball-net", "Basketball Net / Hockey Net on Road", pop=0.3),
    V("construction", "Sidewalk Closed - No Permit", near_dup=True, pop=0.3),
], pop=2, sla=10, ctl=2, jargon=0.45, keywords=("blocked", "obstruction", "encroachment"),
    confused_with=("road-debris",))
fam("boulevard", "Boulevard or grass strip", TS, ROW, ("location_type", "description"), [
    V("grass", "Boulevard - Grass Cutting (City-maintained)", pop=0.8),
    V("weeds", "Long Grass / Weeds - Bylaw Complaint", division=MLS, section="Bylaw Enforcement", pop=1),
    V("damaged", "Boulevard Damaged by Plow", section=WO, pop=0.6, season="winter"),
    V("sod", "Sod Repair Request", pop=0.3),
], pop=1.5, sla=30, ctl=1, jargon=0.3, season="summer", keywords=("grass", "boulevard", "weeds"),
    confused_with=("long-grass",))
fam("traffic-safety", "Road safety concern", TS, TSF, ("recurring", "time_of_day", "description"), [
    V("speeding", "Speeding - Traffic Calming Request", pop=1.5),
    V("school-zone", "School Zone - Safety Study Request", pop=0.6),
    V("all-way-stop", "All-Way Stop Control Study", pop=0.4),
    V("sightline", "Visibility / Sight Line Obstruction at Corner", pop=0.3),
    V("speed-hump", "Speed Hump - Request / Damaged", pop=0.5),
    V("speeding", "VZ: Speed Concern", near_dup=True, pop=0.2),
], pop=2, sla=90, ctl=3, jargon=0.4, keywords=("speeding", "safety", "calming"))
fam("street-furniture", "Bench, shelter or bike rack damaged", TS, SF, ("amenity", "hazard"), [
    V("bench", "Street Bench - Damaged", pop=0.5),
    V("shelter", "Transit Shelter - Glass Broken", pop=0.8),
    V("bike-rack", "Bike Ring / Post Damaged", pop=0.4),
    V("newspaper-box", "Publication Box - Abandoned", pop=0.2),
    V("park-bench", "Park Bench Broken", division=PK, section="Facilities & Amenities", pop=0.5),
], pop=1.2, sla=21, ctl=1, jargon=0.2, keywords=("bench", "shelter", "bike rack"))
fam("abandoned-vehicle", "Abandoned vehicle", TS, ROW, ("vehicle_plate", "vehicle_desc", "date_observed"), [
    V("road", "Abandoned Vehicle on City Street", pop=1),
    V("private", "Derelict Vehicle - Private Property", division=MLS, section="Property Standards", pop=0.6),
    V("park", "Vehicle Parked on Parkland", division=PK, section="Parks Operations", pop=0.2),
    V("bike", "Abandoned Bicycle (Locked to City Post)", pop=0.5),
], pop=1.5, sla=30, ctl=2, jargon=0.2, keywords=("abandoned", "car", "vehicle"))
fam("maintenance-hole", "Manhole cover problem", TS, RO, ("hazard", "lanes_blocked", "landmark"), [
    V("road-surface", "Maintenance Holes - Damage / Repair", pop=1),
    V("missing-cover", "Maintenance Hole Cover Missing", division=TW, section="Wastewater Collection", pop=0.4),
    V("noisy", "MH Lid Rattling / Noisy", pop=0.3),
    V("sewer", "Sewer Maintenance Hole Overflowing", division=TW, section="Wastewater Collection", pop=0.4),
], pop=1.5, sla=7, ctl=2, jargon=0.6, keywords=("manhole", "maintenance hole", "cover"),
    confused_with=("catch-basin",))
fam("bridge-structure", "Bridge or retaining wall damage", TS, SX, ("hazard", "description"), [
    V("railing", "Bridge - Railing Damaged", pop=0.4),
    V("concrete", "Structure - Spalling Concrete", pop=0.3),
    V("retaining-wall", "Retaining Wall - Failure", pop=0.2),
    V("pedestrian-bridge", "Ped Bridge || General Repair", pop=0.2),
    V("park-bridge", "Park Footbridge Damaged", division=PK, section="Facilities & Amenities", pop=0.15),
], pop=0.6, sla=30, ctl=3, jargon=0.5, keywords=("bridge", "wall"))
fam("driveway-permit", "Driveway and curb cut", TS, ROW, ("property_type", "description"), [
    V("curb-cut", "Curb Cut - Permit Enquiry", pop=0.5),
    V("boulevard-parking", "Front Yard Parking - Permit", pop=0.4),
    V("widening", "Driveway Widening Complaint", division=MLS, section="Bylaw Enforcement", pop=0.2),
], pop=0.6, sla=30, ctl=2, jargon=0.4, keywords=("driveway", "permit"))

# ---- Solid Waste Management Services (combinatorial: streams x property types) ----------------------------

COL, BIN, LIT, DEP, SWCS = SECTIONS[SW]

STREAMS = (("garbage", "Garbage", "Garbage"), ("recycling", "Recycling", "Blue Bin"), ("organics", "Organics", "Green Bin"),
           ("yard-waste", "Yard Waste", "Yard Waste"), ("oversized", "Bulky Items", "Oversize"),
           ("metal", "Metal & Appliances", "Metal/Appl"), ("electronics", "Electronic Waste", "E-Waste"),
           ("christmas-tree", "Holiday Tree", "Xmas Tree"))
PROPS = (("res", "Residential", "Res"), ("multi-res", "Multi-Residential", "Multi-Res"),
         ("non-res", "Non-Residential", "Non-Res"), ("fel", "Front End Loaded", "FEL"))


def _missed_name(i: int, s: tuple, p: tuple) -> str:
    skey, slong, sshort = s
    pkey, plong, pshort = p
    styles = (
        f"{pshort} / {sshort} / Not Collected",
        f"{plong} {slong} Not Picked Up",
        f"{pshort} {sshort} Missed Collection",
        f"Collections: {plong} || {slong} Missed",
    )
    if pkey == "fel":
        return f"FEL {sshort} Cart / Not Picked Up"
    return styles[i % len(styles)]


_missed = []
for si, s in enumerate(STREAMS):
    for pi, p in enumerate(PROPS):
        if p[0] == "fel" and s[0] not in ("garbage", "recycling", "organics", "yard-waste"):
            continue
        if s[0] == "christmas-tree" and p[0] != "res":
            continue
        pop = (4.0 if s[0] in ("garbage", "recycling", "organics") else 1.2) * (3.0 if p[0] == "res" else 0.6)
        _missed.append(V(f"{s[0]}/{p[0]}", _missed_name(si + pi, s, p), pop=pop,
                         dims=(("stream", s[0]), ("property", p[0]))))
# a whole-street miss: same family, an operational variant
for s in STREAMS[:4]:
    _missed.append(V(f"{s[0]}/whole-street", f"Residential {s[2]} Missed - Whole Street", pop=0.6,
                     dims=(("stream", s[0]), ("property", "res"))))
_missed += [
    V("garbage/res", "Garbage Not Collected", near_dup=True, pop=1.5, dims=(("stream", "garbage"), ("property", "res"))),
    V("recycling/res", "Blue Bin Missed (Res)", near_dup=True, pop=0.8, dims=(("stream", "recycling"), ("property", "res"))),
    V("garbage/night", "Residential / Nite Garbage / Not Picked Up", pop=0.3),
    V("recycling/night", "Residential / Nite Recycle / Not Picked Up", pop=0.2),
    V("garbage/res", "Res Garb Missed (2019 form)", status="retired", renamed_to="Res / Garbage / Not Collected", pop=0.02,
      dims=(("stream", "garbage"), ("property", "res"))),
    V("organics/res", "Green Bin Missed Pickup - OLD", status="retired", renamed_to="Residential Organics Not Picked Up",
      pop=0.02, dims=(("stream", "organics"), ("property", "res"))),
    V("park-bin", "Garbage / Park / Not Picked Up", division=PK, section="Parks Operations", pop=0.4),
]
fam("missed-collection", "Collection missed", SW, COL, ("collection_day", "set_out_time", "property_type"), _missed,
    pop=14, sla=2, ctl=2, jargon=0.35, keywords=("missed pickup", "not picked up", "collection"),
    confused_with=("bin-damaged", "oversized-pickup"))

_bin_damaged = []
_bin_missing = []
_bin_extra = []
_bin_exchange = []
_bin_remove = []
for si, s in enumerate(STREAMS[:4]):
    for pi, p in enumerate(PROPS[:3]):
        if s[0] == "yard-waste" and p[0] != "res":
            continue
        base = 2.0 if p[0] == "res" else 0.5
        d = (("stream", s[0]), ("property", p[0]))
        if s[0] != "yard-waste":
            for part, label in (("lid", "Lid"), ("wheel", "Wheels"), ("body", "Body")):
                style = (si + pi) % 3
                nm = (f"{p[2]} / {s[2]} Bin / {label} Broken", f"{p[1]} {s[2]} Bin {label} Damaged",
                      f"Repair {s[1]} Bin - {label} ({p[2]})")[style]
                _bin_damaged.append(V(f"{s[0]}/{p[0]}/{part}", nm, section=BIN, pop=base * (1.5 if part == "lid" else 0.8),
                                      dims=d + (("part", part),)))
            _bin_missing.append(V(f"{s[0]}/{p[0]}", (f"Replace Missing {p[1]} {s[1]} Bin", f"{p[2]} / {s[2]} Bin / Replace Missing",
                                                    f"Stolen {s[2]} Bin - {p[2]}")[(si + pi) % 3], section=BIN, pop=base, dims=d))
            _bin_extra.append(V(f"{s[0]}/{p[0]}", (f"Additional {p[1]} {s[1]} Bin", f"{p[2]} / {s[2]} / Extra Bin Request")[(si + pi) % 2],
                                section=BIN, pop=base * 0.6, dims=d))
            _bin_exchange.append(V(f"{s[0]}/{p[0]}", (f"{s[2]} Bin Size Exchange - {p[2]}", f"{p[1]} {s[1]} Cart: Change Size")[(si + pi) % 2],
                                   section=BIN, pop=base * 0.5, dims=d))
            _bin_remove.append(V(f"{s[0]}/{p[0]}", f"Remove {s[2]} Bin - {p[2]}", section=BIN, pop=base * 0.1, dims=d))
        else:
            _bin_missing.append(V(f"{s[0]}/{p[0]}", "Yard Waste Bag Tag Not Received", section=BIN, pop=0.2, dims=d))
_bin_damaged += [
    V("organics/res/lid", "Green Bin Lid Latch Broken (Raccoon)", section=BIN, near_dup=True, pop=1.0,
      dims=(("stream", "organics"), ("property", "res"), ("part", "lid"))),
    V("kitchen-container", "Kitchen Container - Damaged", section=BIN, pop=0.4),
    V("garbage/res/body", "Bin Repair - General (discontinued)", section=BIN, status="retired",
      renamed_to="Res / Garbage Bin / Body Broken", pop=0.03),
    V("damaged-by-truck", "Bin Damaged by Collection Vehicle", section=COL, pop=0.5),
]
_bin_missing.append(V("kitchen-container", "Kitchen Container - Replace Missing", section=BIN, pop=0.3))
fam("bin-damaged", "Broken bin", SW, BIN, ("bin_serial", "bin_size", "bin_damage"), _bin_damaged,
    pop=7, sla=10, ctl=2, jargon=0.3, keywords=("bin", "cart", "broken"), confused_with=("bin-missing", "bin-exchange"))
fam("bin-missing", "Bin missing or stolen", SW, BIN, ("bin_size", "property_type"), _bin_missing,
    pop=4, sla=10, ctl=2, jargon=0.3, keywords=("missing bin", "stolen bin"), confused_with=("bin-damaged", "bin-extra"))
fam("bin-extra", "Ask for another bin", SW, BIN, ("bin_size", "property_type"), _bin_extra,
    pop=2, sla=15, ctl=2, jargon=0.25, keywords=("extra bin", "additional"), confused_with=("bin-exchange", "bin-missing"))
fam("bin-exchange", "Change bin size", SW, BIN, ("bin_size", "bin_serial"), _bin_exchange,
    pop=2, sla=15, ctl=2, jargon=0.35, keywords=("bin size", "exchange", "bigger bin"), confused_with=("bin-extra",))
fam("bin-remove", "Return a bin", SW, BIN, ("bin_serial",), _bin_remove,
    pop=0.5, sla=20, ctl=1, jargon=0.3, keywords=("remove bin",))

_oversized = []
for it, label in (("furniture", "Furniture"), ("mattress", "Mattress"), ("appliance", "Appliance (Freon)"),
                  ("electronics", "Electronics"), ("tires", "Tires"), ("renovation", "Renovation Waste"),
                  ("hazardous", "Household Hazardous Waste"), ("scrap-metal", "Scrap Metal")):
    _oversized.append(V(f"{it}/res", f"Res / {label} / Pickup Request", section=COL, pop=1.0, dims=(("item", it),)))
    if it in ("furniture", "mattress", "appliance", "electronics"):
        _oversized.append(V(f"{it}/non-res", f"FEL Non-Res {label} / Missed Pickup", section=COL, pop=0.2,
                            dims=(("item", it), ("property", "non-res"))))
_oversized += [
    V("furniture/res", "Bulky Item Collection", section=COL, near_dup=True, pop=0.6, dims=(("item", "furniture"),)),
    V("hazardous/res", "Toxic Taxi (HHW) Pickup", section=DEP, near_dup=True, pop=0.3, dims=(("item", "hazardous"),)),
]
fam("oversized-pickup", "Large item pickup", SW, COL, ("item_type", "num_items", "collection_day"), _oversized,
    pop=4, sla=10, ctl=2, jargon=0.35, keywords=("furniture", "mattress", "bulky"), confused_with=("illegal-dumping", "missed-collection"))

fam("litter", "Litter bin or litter problem", SW, LIT, ("landmark", "description"), [
    V("street-bin-full", "Litter Bin - Overflowing (Street)", pop=2),
    V("street-bin-damaged", "Litter Bin - Damaged / Missing", pop=0.8),
    V("park-bin-full", "Park Litter Bin Overflow", division=PK, section="Parks Operations", pop=1.2),
    V("park-bin-full", "Park / Litter Receptacle / Overflowing", division=PK, section="Parks Operations", near_dup=True, pop=0.5),
    V("litter-road", "Litter Pick-up - Road Allowance", pop=1),
    V("litter-park", "Litter in Park", division=PK, section="Parks Operations", pop=0.8),
    V("litter-private", "Garbage/Litter on Private Property", division=MLS, section="Property Standards", pop=1.5),
    V("new-bin", "Request New Litter Bin", pop=0.2),
    V("street-bin-full", "LB-OVF", near_dup=True, pop=0.1),
], pop=5, sla=5, ctl=1, jargon=0.25, season="summer", keywords=("litter", "garbage can", "overflowing"),
    confused_with=("missed-collection", "illegal-dumping"))
fam("illegal-dumping", "Dumped garbage", SW, LIT, ("item_type", "num_items", "landmark", "date_observed"), [
    V("road-allowance", "Illegal Dumping - Road Allowance", pop=2),
    V("laneway", "Illegal Dumping - Laneway", pop=0.8),
    V("park", "Dumping in Park / Ravine", division=PK, section="Parks Operations", pop=0.6),
    V("private", "Dumping on Private Property (Bylaw)", division=MLS, section="Bylaw Enforcement", pop=1),
    V("ravine", "Ravine Dumping || Natural Area", division=UF, section="Forest Health", pop=0.2),
    V("road-allowance", "Illegal Dumping/Bulky Items on ROW", near_dup=True, pop=0.6),
    V("road-allowance", "Dumping (legacy SWMS)", status="retired", renamed_to="Illegal Dumping - Road Allowance", pop=0.02),
], pop=4, sla=7, ctl=2, jargon=0.25, keywords=("dumping", "dumped", "junk"), confused_with=("oversized-pickup", "litter", "road-debris"))
fam("needles", "Needles or sharps found", SW, LIT, ("needle_count", "hazard", "landmark"), [
    V("road", "Needle Pickup - Public Right of Way", pop=0.8),
    V("park", "Needle Pickup - Park", division=PK, section="Parks Operations", pop=0.5),
    V("private", "Sharps on Private Property - Info", division=C311, section="Contact Centre", pop=0.1),
], pop=1, sla=1, ctl=1, jargon=0.2, keywords=("needles", "sharps", "syringe"))
fam("collection-service", "Collection service question", SW, SWCS, ("property_type", "description"), [
    V("schedule", "Collection Schedule / Calendar Enquiry", pop=2),
    V("spill", "Spillage During Collection", section=COL, pop=0.6),
    V("property-damage", "Property Damaged/Collections", section=COL, pop=0.4),
    V("staff-conduct", "Staff Conduct / Collections", pop=0.3),
    V("missed-sticker", "Oops Sticker - Disagree", pop=0.4),
    V("new-service", "New Service Set-Up (New Build)", section=BIN, pop=0.3),
    V("depot", "Drop-off Depot Enquiry", section=DEP, pop=0.5),
    V("compost", "Free Compost Day Enquiry", section=DEP, pop=0.3),
    V("night-noise", "Collection Truck Noise - Too Early", section=COL, pop=0.2),
    V("property-damage", "Property Damage/Night Collection Crew", section=COL, near_dup=True, pop=0.1),
    V("staff-conduct", "Crew Conduct / Collections / Parks", division=PK, section="Parks Operations", pop=0.05),
], pop=3, sla=10, ctl=1, jargon=0.4, keywords=("schedule", "calendar", "depot"))

# ---- Municipal Licensing & Standards (with Animal Services) ----------------------------------------------

BYL, PS, AS, LIC, PPS = SECTIONS[MLS]

fam("noise", "Noise complaint", MLS, BYL, ("noise_source", "time_of_day", "recurring"), [
    V("music", "Noise - Amplified Sound", pop=2),
    V("construction", "Noise - Construction Outside Permitted Hours", pop=1.5),
    V("idling", "Idling Vehicle Complaint", pop=0.4),
    V("equipment", "Noise - Stationary Equipment (AC/Generator)", pop=0.5),
    V("party", "Noise: Loud Party (Residential)", pop=0.8),
    V("barking", "Dog Barking (Persistent)", section=AS, pop=0.6),
    V("park", "Noise - Amplified Sound in Park", section=PPS, pop=0.3),
    V("music", "Amplified Sound / Noise Bylaw", near_dup=True, pop=0.5),
    V("construction", "Construction Noise (old code)", status="retired", renamed_to="Noise - Construction Outside Permitted Hours", pop=0.03),
], pop=5, sla=3, ctl=2, jargon=0.2, keywords=("noise", "loud", "music"))
fam("long-grass", "Long grass or weeds on a property", MLS, BYL, ("property_type", "date_observed"), [
    V("private", "Long Grass and Weeds - Private Property", pop=1.5),
    V("vacant-lot", "Vacant Lot - Overgrown", pop=0.5),
    V("city-lot", "City Land - Overgrown Vegetation", division=PK, section="Horticulture", pop=0.3),
    V("private", "Grass/Weeds Complaint", near_dup=True, pop=0.4),
], pop=2, sla=14, ctl=2, jargon=0.2, season="summer", keywords=("grass", "weeds", "overgrown"), confused_with=("boulevard",))
fam("property-standards", "Property in poor repair", MLS, PS, ("property_type", "unit", "description", "contact_ok"), [
    V("exterior", "Property Standards - Exterior", pop=1.5),
    V("interior", "Property Standards - Interior (Tenant)", pop=1.2),
    V("heat", "Inadequate Heat - Rental Unit", pop=1, season="winter"),
    V("vacant", "Vacant / Derelict Building", pop=0.4),
    V("pest", "Pests / Vermin - Property Standards", pop=0.6),
    V("fence", "Fence - Dilapidated / Illegal Height", pop=0.4),
    V("pool", "Pool Enclosure - Unsafe", pop=0.2, season="summer"),
    V("vital-service", "Vital Service Disconnected (Water/Heat/Hydro)", pop=0.3),
    V("mould", "Mould in Rental Unit", pop=0.3),
    V("exterior", "PS-EXT", near_dup=True, pop=0.1),
    V("interior", "MRAB Tenant Complaint (RentSafe)", near_dup=True, pop=0.3),
], pop=4, sla=30, ctl=3, jargon=0.35, keywords=("property", "landlord", "repairs", "heat"))
fam("waste-private", "Garbage stored improperly on a property", MLS, BYL, ("property_type", "description"), [
    V("yard", "Garbage in Yard - Improper Storage", pop=1),
    V("set-out-early", "Waste Set Out Too Early", pop=0.4),
    V("commercial", "Commercial Waste Overflow (Private Bin)", pop=0.4),
    V("bins-front", "Bins Stored in Front Yard", pop=0.3),
], pop=1.5, sla=14, ctl=2, jargon=0.3, keywords=("garbage", "storage"), confused_with=("missed-collection", "illegal-dumping"))
fam("zoning", "Land use or zoning concern", MLS, BYL, ("property_type", "description", "recurring"), [
    V("rooming-house", "Illegal Rooming House", pop=0.5),
    V("home-business", "Business Operating from Residence", pop=0.3),
    V("short-term-rental", "Short-Term Rental Complaint", section=LIC, pop=0.6),
    V("parking-yard", "Parking on Front Lawn", pop=0.5),
    V("construction-no-permit", "Construction Without Permit (Referral)", division=C311, section="Contact Centre", pop=0.3),
], pop=1.5, sla=45, ctl=3, jargon=0.45, keywords=("zoning", "permit", "rental"))
fam("business-licence", "Business or licence complaint", MLS, LIC, ("business_name", "licence_number", "description"), [
    V("taxi", "Vehicle-for-Hire Complaint", pop=0.6),
    V("food-truck", "Food Truck - Licence / Location", pop=0.2),
    V("body-rub", "Personal Services Setting - Complaint", pop=0.1),
    V("contractor", "Renovator / Contractor Licence Complaint", pop=0.2),
    V("unlicensed", "Operating Without a Licence", pop=0.3),
    V("enquiry", "Licence Enquiry - General", pop=0.5),
    V("taxi", "PTC/Taxi Driver Complaint", near_dup=True, pop=0.2),
    V("sidewalk-vendor", "Street Vending Permit Violation", section=PPS, pop=0.15),
], pop=1.2, sla=30, ctl=2, jargon=0.5, keywords=("licence", "taxi", "business"))
fam("park-bylaw", "Rule-breaking in a park", MLS, PPS, ("park_name", "time_of_day", "description"), [
    V("dogs-off-leash", "Dogs Off Leash in Park (Not OLA)", pop=1),
    V("camping", "Encampment / Camping in Park", pop=0.8),
    V("unpermitted-event", "Investigate Unauthorized Use of Permitted Facility", pop=0.3),
    V("bbq", "Open Fire / BBQ in Park", pop=0.3),
    V("smoking", "Smoking/Vaping in Park or Playground", pop=0.2),
    V("trees", "Damage to Trees and Plants in Park", pop=0.2),
    V("dogs-off-leash", "PE:OLA Violation", near_dup=True, pop=0.1),
], pop=2, sla=7, ctl=2, jargon=0.35, season="summer", keywords=("park", "bylaw", "dogs"))

# Animal Services: a section of MLS with its own families
fam("dead-animal", "Dead animal", MLS, AS, ("animal_type", "location_type", "animal_count"), [
    V("road", "Pick up Dead Wildlife - Roadway", pop=3),
    V("sidewalk", "Dead Animal on Sidewalk / Blvd", pop=1),
    V("private", "Dead Animal - Private Property", pop=0.8),
    V("expressway", "Dead Animal - Expressway Lane", division=TS, section=SX, pop=0.3),
    V("park", "Dead Animal in Park", division=PK, section="Parks Operations", pop=0.5),
    V("pet", "Deceased Pet - Owner Surrender", pop=0.2),
    V("road", "DOA - Wildlife Pick Up", near_dup=True, pop=0.4),
    V("road", "Dead Animal Pickup (retired)", status="retired", renamed_to="Pick up Dead Wildlife - Roadway", pop=0.02),
], pop=4, sla=2, ctl=1, jargon=0.3, keywords=("dead animal", "roadkill", "carcass"), confused_with=("injured-animal",))
fam("injured-animal", "Sick or injured animal", MLS, AS, ("animal_type", "animal_condition", "hazard"), [
    V("wildlife", "Injured / Sick Wildlife", pop=2),
    V("domestic", "Injured Domestic Animal", pop=0.6),
    V("trapped", "Animal Trapped (Wildlife)", pop=0.4),
    V("bird", "Injured Bird / Waterfowl", pop=0.4),
    V("wildlife", "Wildlife - Distressed", near_dup=True, pop=0.3),
], pop=2, sla=1, ctl=1, jargon=0.25, season="summer", keywords=("injured", "sick", "wildlife"), confused_with=("dead-animal",))
fam("dog-complaint", "Problem with a dog", MLS, AS, ("animal_count", "dog_tag", "recurring", "contact_ok"), [
    V("bite", "Dog Bite / Attack", pop=0.6),
    V("at-large", "Dog at Large", pop=1),
    V("menacing", "Menacing Dog Investigation", pop=0.3),
    V("waste", "Dog Waste Not Picked Up (Stoop & Scoop)", pop=0.4),
    V("too-many", "Too Many Pets (Limit Exceeded)", pop=0.1),
    V("bite", "Investigate - Dog Bite (old)", status="retired", renamed_to="Dog Bite / Attack", pop=0.02),
], pop=1.5, sla=3, ctl=3, jargon=0.25, keywords=("dog", "bite", "leash"))
fam("animal-care", "Animal welfare concern", MLS, AS, ("animal_type", "description"), [
    V("neglect", "Animal Welfare - Investigate", pop=0.8),
    V("left-in-car", "Animal Left in Vehicle", pop=0.3, season="summer"),
    V("hoarding", "Animal Hoarding Concern", pop=0.1),
    V("stray-cat", "Stray / Feral Cat", pop=0.6),
    V("neglect", "Animal Cruelty Complaint", near_dup=True, pop=0.2),
], pop=1.2, sla=2, ctl=3, jargon=0.3, keywords=("animal", "cruelty", "cat"))
fam("wildlife", "Wildlife problem", MLS, AS, ("animal_type", "location_type", "description"), [
    V("coyote", "Coyote Sighting / Concern", pop=0.6),
    V("raccoon-den", "Raccoon in Chimney/Attic (Referral)", division=C311, section="Contact Centre", pop=0.4),
    V("wildlife-info", "Wildlife Info - General", pop=0.5),
    V("feeding", "Feeding Wildlife Complaint", pop=0.2),
    V("geese", "Canada Geese Nuisance in Park", division=PK, section="Parks Operations", pop=0.1),
], pop=1, sla=5, ctl=1, jargon=0.2, keywords=("coyote", "raccoon", "wildlife"))
fam("pet-services", "Pet licence, adoption or lost pet", MLS, AS, ("animal_type", "dog_tag"), [
    V("licence", "Pet Licence Enquiry", section=LIC, pop=1),
    V("lost", "Lost Pet Report", pop=0.6),
    V("found", "Found Pet Report", pop=0.4),
    V("adoption", "Adoption Enquiry (Shelter)", pop=0.3),
    V("surrender", "Owner Surrender Appointment", pop=0.1),
    V("licence", "TAS: Licensing || Renewal", near_dup=True, pop=0.2),
], pop=1.5, sla=5, ctl=1, jargon=0.35, keywords=("pet", "licence", "lost"))

# ---- Toronto Water ---------------------------------------------------------------------------------------

WD, WW, SWM, MTR, WQ = SECTIONS[TW]

fam("water-leak", "Water leak", TW, WD, ("water_where", "hazard", "landmark"), [
    V("watermain-road", "Watermain Break - Roadway", pop=1.5),
    V("watermain-sidewalk", "Water Leaking from Sidewalk / Blvd", pop=1),
    V("valve", "Water Service Valve Leaking (City Side)", pop=0.6),
    V("private-side", "Water Leak - Private Side (Owner)", division=C311, section="Contact Centre", pop=0.4),
    V("park", "Water Leak in Park / Irrigation", division=PK, section="Parks Operations", pop=0.2),
    V("watermain-road", "WM BRK", near_dup=True, pop=0.2),
    V("watermain-road", "Water Main Break (pre-amalg.)", status="retired", renamed_to="Watermain Break - Roadway", pop=0.01),
], pop=3, sla=1, ctl=3, jargon=0.4, season="winter", keywords=("leak", "watermain", "water"), confused_with=("flooding",))
fam("no-water", "No water or low pressure", TW, WD, ("property_type", "unit", "hazard"), [
    V("no-water", "No Water - Residential", pop=1),
    V("low-pressure", "Low Water Pressure", pop=0.8),
    V("shut-off", "Water Turn Off / Turn On Request", pop=0.6),
    V("no-water-multi", "No Water - Multi-Unit Building", pop=0.3),
], pop=2, sla=1, ctl=2, jargon=0.2, keywords=("no water", "pressure"))
fam("water-quality", "Tap water looks or tastes wrong", TW, WQ, ("water_colour", "property_type"), [
    V("discoloured", "Water Quality - Discoloured", pop=0.8),
    V("taste-odour", "Water Quality - Taste / Odour", pop=0.4),
    V("lead", "Lead Testing Kit Request", pop=0.5),
    V("discoloured", "WQ Complaint (Rusty)", near_dup=True, pop=0.2),
], pop=1.2, sla=3, ctl=2, jargon=0.3, keywords=("water quality", "brown water", "lead"))
fam("hydrant", "Fire hydrant problem", TW, WD, ("hydrant_number", "hazard"), [
    V("leaking", "Hydrant - Leaking", pop=0.6),
    V("damaged", "Hydrant - Damaged / Knocked Over", pop=0.4),
    V("obstructed", "Hydrant Obstructed (Snow/Vehicle)", division=MLS, section="Bylaw Enforcement", pop=0.2),
    V("painting", "Hydrant Needs Painting", pop=0.1),
], pop=0.8, sla=5, ctl=2, jargon=0.2, keywords=("hydrant",))
fam("sewer-backup", "Basement flooding or sewer backup", TW, WW, ("basement_depth", "property_type", "hazard"), [
    V("basement", "Basement Flooding - Sewer Backup", pop=1.5),
    V("service-line", "Sewer Service Line Blocked (City Portion)", pop=0.8),
    V("private-line", "Drain Blocked - Private Plumbing (Referral)", division=C311, section="Contact Centre", pop=0.3),
    V("odour", "Sewer Smell / Gas Odour", pop=0.5),
    V("service-line", "SSL-BLK Investigation", near_dup=True, pop=0.3),
    V("basement", "Flooding Basement (legacy)", status="retired", renamed_to="Basement Flooding - Sewer Backup", pop=0.02),
], pop=2.5, sla=1, ctl=3, jargon=0.5, keywords=("sewer", "basement", "backup", "drain"), confused_with=("flooding", "catch-basin"))
fam("catch-basin", "Blocked storm drain", TW, SWM, ("hazard", "location_type", "landmark"), [
    V("road", "Catch Basin - Clogged / Ponding", pop=1.5),
    V("damaged", "Catch Basin - Damaged Grate", pop=0.5),
    V("laneway", "Laneway Catch Basin Blocked", pop=0.3),
    V("park", "Park Drain Blocked", division=PK, section="Parks Operations", pop=0.2),
    V("road", "CB Blocked", near_dup=True, pop=0.4),
], pop=2, sla=3, ctl=2, jargon=0.5, season="fall", keywords=("catch basin", "storm drain", "grate"),
    confused_with=("maintenance-hole", "flooding", "sewer-backup"))
fam("flooding", "Flooding outdoors", TW, SWM, ("hazard", "location_type", "description"), [
    V("road", "Road Flooding", pop=1),
    V("ditch", "Ditch / Culvert Blocked", pop=0.4),
    V("ravine", "Ravine Erosion / Outfall", division=UF, section="Forest Health", pop=0.15),
    V("private-grading", "Drainage - Private Property Grading", division=MLS, section="Property Standards", pop=0.3),
    V("road", "Ponding on Roadway", near_dup=True, division=TS, section=RO, pop=0.4),
], pop=1.5, sla=3, ctl=2, jargon=0.3, season="fall", keywords=("flooding", "ponding", "drainage"), confused_with=("catch-basin", "water-leak"))
fam("water-meter", "Water meter or bill", TW, MTR, ("meter_number", "property_type", "description"), [
    V("reading", "Meter Reading Disputed", pop=0.8),
    V("leaking", "Water Meter Leaking", pop=0.3),
    V("replace", "Meter Replacement Appointment", pop=0.5),
    V("mtu", "MTU / Transmitter Not Reporting", pop=0.3),
    V("high-bill", "High Water Bill Investigation", pop=0.6),
    V("mtu", "AMR Fault", near_dup=True, pop=0.1),
], pop=1.5, sla=10, ctl=2, jargon=0.6, keywords=("meter", "bill"))
fam("water-works", "City water work at my property", TW, WD, ("description", "landmark"), [
    V("restoration", "Water Works - Restoration Incomplete", pop=0.4),
    V("lead-replacement", "Lead Service Replacement Enquiry", pop=0.3),
    V("backflow", "Backflow Prevention Program", section=WQ, pop=0.1),
    V("eavestrough", "Downspout Disconnection Enquiry", section=SWM, pop=0.15),
], pop=0.8, sla=30, ctl=3, jargon=0.55, keywords=("water work", "restoration"), confused_with=("utility-cut",))

# ---- Urban Forestry / Parks: the same tree problem, owned by the asset ------------------------------------

TM, TPR, TPL, FH = SECTIONS[UF]
PO, PF, HORT, FAC, AQ = SECTIONS[PK]


def _tree_variants(problem: str, street: str, park: str, private: str | None, pops=(1.0, 0.4, 0.3)) -> list[V]:
    out = [V("street", street, pop=pops[0], dims=(("location", "street"),)),
           V("park", park, division=PK, section=PF, pop=pops[1], dims=(("location", "park"),))]
    if private:
        out.append(V("private", private, section=TPR, pop=pops[2], dims=(("location", "private"),)))
    return out


fam("tree-damage", "Damaged tree or fallen branch", UF, TM, ("tree_size", "tree_blocking", "hazard"),
    _tree_variants("damage", "Tree - Damaged / Fallen Limb (City Street)", "Parks Tree: Damage / Limb Down",
                   "Private Tree - Damaged (Inspection)", pops=(3, 1, 0.4)) + [
    V("street-emergency", "Tree Emergency - Blocking Road", pop=1.2, dims=(("location", "street"), ("severity", "emergency"))),
    V("park-emergency", "PF || Hazard Tree Emergency", division=PK, section=PF, pop=0.3,
      dims=(("location", "park"), ("severity", "emergency"))),
    V("street", "Storm Damage - Tree Debris", near_dup=True, pop=0.8),
    V("street", "Tree Down (legacy)", status="retired", renamed_to="Tree - Damaged / Fallen Limb (City Street)", pop=0.02),
], pop=4, sla=5, ctl=2, jargon=0.25, season="summer", keywords=("tree", "branch", "limb", "fallen"),
    confused_with=("tree-maintenance", "tree-removal"))
fam("tree-maintenance", "Tree needs pruning", UF, TM, ("tree_size", "tree_blocking", "tree_species"),
    _tree_variants("pruning", "Tree Pruning Request - Street Tree", "Parks Tree Pruning", None, pops=(2, 0.5, 0)) + [
    V("street-clearance", "Tree Blocking Sign / Streetlight", pop=0.6),
    V("street-wires", "Tree Branches on Hydro Wires (Referral)", division=C311, section="Contact Centre", pop=0.3),
    V("street", "Prune - City Tree", near_dup=True, pop=0.5),
    V("street", "Forestry: Tree Maint. Request", status="retired", renamed_to="Tree Pruning Request - Street Tree", pop=0.02),
], pop=2.5, sla=90, ctl=2, jargon=0.3, keywords=("pruning", "trim", "tree"), confused_with=("tree-damage",))
fam("tree-removal", "Dead tree or tree removal", UF, TM, ("tree_size", "tree_species", "hazard"),
    _tree_variants("removal", "Tree Removal - Dead City Tree", "Park Tree Removal / Dead", "Private Tree Removal Permit",
                   pops=(1.2, 0.4, 0.6)) + [
    V("stump", "Stump Removal (City Tree)", pop=0.5),
    V("inspection", "Tree Inspection - Street", pop=1),
    V("inspection-park", "Tree Inspection - Park", division=PK, section=PF, pop=0.3),
    V("private", "Permit to Injure/Remove Private Tree", section=TPR, near_dup=True, pop=0.4),
], pop=2, sla=60, ctl=3, jargon=0.4, keywords=("dead tree", "removal", "stump", "permit"), confused_with=("tree-damage",))
fam("tree-planting", "Plant a tree", UF, TPL, ("property_type", "description"), [
    V("street", "Tree Planting Request - City Boulevard", pop=1),
    V("park", "Planting Request - Parkland", division=PK, section=HORT, pop=0.2),
    V("bulk", "Planting 10+ Trees (Community)", pop=0.05),
    V("street", "Free Street Tree Program", near_dup=True, pop=0.3),
], pop=0.8, sla=180, ctl=2, jargon=0.2, season="fall", keywords=("planting", "new tree"))
fam("tree-health", "Tree pests or disease", UF, FH, ("tree_species", "description"), [
    V("ash-borer", "EAB (Emerald Ash Borer) Concern", pop=0.3),
    V("moth", "LDD Moth Caterpillars", pop=0.5, season="summer"),
    V("disease", "Tree Disease / Fungus", pop=0.2),
    V("ravine", "Ravine Invasive Species", pop=0.1),
    V("moth", "Gypsy Moth (old name)", status="retired", renamed_to="LDD Moth Caterpillars", pop=0.02),
], pop=0.8, sla=60, ctl=1, jargon=0.6, season="summer", keywords=("pests", "insects", "disease"))
fam("tree-roots", "Tree roots causing damage", UF, TM, ("location_type", "description"), [
    V("sidewalk", "City Tree Roots - Lifting Sidewalk", pop=0.4),
    V("sewer", "Roots in Sewer Service (City Tree)", division=TW, section=WW, pop=0.3),
    V("private", "Neighbour Tree Roots (Private Matter)", division=C311, section="Contact Centre", pop=0.15),
], pop=0.6, sla=60, ctl=2, jargon=0.35, keywords=("roots",), confused_with=("sidewalk-damage", "sewer-backup"))

# ---- Parks ------------------------------------------------------------------------------------------------

fam("park-amenity", "Broken park equipment", PK, FAC, ("park_name", "amenity", "hazard"), [
    V("playground", "Playground Equipment - Damaged", pop=1.5, season="summer"),
    V("fountain", "Drinking Fountain Not Working", pop=0.6, season="summer"),
    V("picnic-table", "Picnic Table Broken", pop=0.3),
    V("fence", "Park Fence Damaged", pop=0.3),
    V("sports-court", "Tennis/Basketball Court - Repair", pop=0.4),
    V("sports-field", "Sports Field Condition", pop=0.4),
    V("splash-pad", "Splash Pad Not Working", section=AQ, pop=0.5, season="summer"),
    V("park-sign", "Park Sign Damaged", pop=0.2),
    V("off-leash", "Off-Leash Area - Fence/Gate", pop=0.2),
    V("playground", "PF&R Playground || Safety Surface", near_dup=True, pop=0.3),
    V("playground", "Play Equip. Repair (old)", status="retired", renamed_to="Playground Equipment - Damaged", pop=0.02),
], pop=3, sla=14, ctl=2, jargon=0.3, season="summer", keywords=("park", "playground", "fountain"))
fam("park-washroom", "Park washroom problem", PK, FAC, ("park_name", "description"), [
    V("dirty", "Park Washroom - Cleaning Required", pop=0.8, season="summer"),
    V("closed", "Park Washroom Locked During Posted Hours", pop=0.5, season="summer"),
    V("broken", "Washroom Fixture Broken (Park)", pop=0.3),
    V("portable", "Portable Toilet - Service", pop=0.2),
], pop=1.5, sla=3, ctl=1, jargon=0.2, season="summer", keywords=("washroom", "toilet"))
fam("park-maintenance", "Park needs maintenance", PK, PO, ("park_name", "description"), [
    V("grass", "Park Grass Cutting", pop=1, season="summer"),
    V("garden", "Garden Bed / Horticulture Maintenance", section=HORT, pop=0.4, season="summer"),
    V("pathway-lighting", "Park Pathway Lighting", section=FAC, pop=0.2),
    V("ravine-trail", "Trail Maintenance || Ravine", pop=0.3),
    V("beach", "Beach Cleaning", pop=0.3, season="summer"),
    V("encroachment", "Parkland Encroachment (Private Use)", pop=0.1),
    V("grass", "PO-GRS", near_dup=True, pop=0.1),
], pop=2, sla=14, ctl=1, jargon=0.3, season="summer", keywords=("park", "grass", "trail"))
fam("rinks-pools", "Rink or pool problem", PK, AQ, ("park_name", "description"), [
    V("rink-ice", "Outdoor Rink - Ice Condition", pop=0.6, season="winter"),
    V("rink-hours", "Rink Hours / Closure Enquiry", pop=0.4, season="winter"),
    V("pool-closed", "Outdoor Pool Closed Unexpectedly", pop=0.4, season="summer"),
    V("pool-clean", "Pool Deck / Change Room Cleanliness", pop=0.2, season="summer"),
], pop=1, sla=3, ctl=1, jargon=0.2, keywords=("rink", "pool", "skating"))
fam("recreation", "Recreation program or facility", PK, FAC, ("park_name", "description"), [
    V("registration", "Recreation Registration Issue", division=C311, section="Contact Centre", pop=0.8),
    V("community-centre", "Community Centre - Maintenance", pop=0.4),
    V("permit", "Park Permit / Picnic Site Booking", pop=0.5),
    V("permit", "Permits (PFR) - General", near_dup=True, pop=0.2),
], pop=1.2, sla=10, ctl=1, jargon=0.3, keywords=("recreation", "program", "permit"))

# ---- 311 itself ---------------------------------------------------------------------------------------------

CC, SI, KB = SECTIONS[C311]

fam("general-enquiry", "General question", C311, CC, ("service_area", "description"), [
    V("info", "General Enquiry - Info Provided", pop=3),
    V("referral-external", "Referral - Other Level of Government", pop=1),
    V("referral-utility", "Referral - Utility (Hydro/Gas/Telecom)", pop=0.8),
    V("referral-police", "Referral - Police Non-Emergency", pop=0.6),
    V("councillor", "Councillor Office Enquiry", pop=0.3),
    V("info", "INFO-GEN", near_dup=True, pop=0.5),
    V("transferred-out", "Warm Transfer - Other Agency", pop=0.4),
], pop=4, sla=1, ctl=1, jargon=0.4, keywords=("question", "information"))
fam("service-feedback", "Feedback about a City service", C311, SI, ("service_area", "contact_ok", "description"), [
    V("complaint", "Service Complaint - General", pop=1),
    V("compliment", "Compliment", pop=0.3),
    V("staff", "Staff Conduct Complaint", pop=0.4),
    V("app", "311 App / Web Portal Problem", section=KB, pop=0.2),
    V("status", "Status Update on Existing SR", pop=1.2),
], pop=2, sla=10, ctl=2, jargon=0.3, keywords=("complaint", "feedback", "compliment"))
fam("legacy-unmapped", "Unmapped legacy request types", C311, KB, ("description",), [
    V(f"legacy-{i:02d}", f"UNMAPPED - {tag}", pop=0.05, status=("retired" if i % 3 == 0 else "active"))
    for i, tag in enumerate(("CSR-Q07", "TSO-OPS3", "MLS-BLDG", "SWM-ZN2", "TW-DIST4", "FRST-CALL", "PFR-MISC",
                             "CC-DUP", "TMC-LEG2", "AS-FIELD", "ROW-OLD", "MTR-X1", "TSO-CMP2", "TSO-VZ9",
                             "MLS-SIGN4", "SWM-FEL", "FRST-EMR", "PFR-ICE", "CC-WEB-ERR", "TW-SSL2", "AS-AFTERHRS",
                             "ROW-PMT7", "SWM-OOPS", "CC-TEST"))
], pop=0.5, sla=10, ctl=1, jargon=1.0, keywords=())


# ----------------------------------------------------------------------------------------------------------
# Channel mixes per error kind (rows sum to 1) and base rates
# ----------------------------------------------------------------------------------------------------------

#: P(channel | kind); channels follow model.CHANNELS: phone, email, web, app, x, counter.
CHANNEL_MIX = {
    "recoded": (0.42, 0.10, 0.24, 0.18, 0.02, 0.04),
    "transferred": (0.62, 0.12, 0.12, 0.08, 0.02, 0.04),
    "cancelled": (0.30, 0.08, 0.32, 0.24, 0.02, 0.04),
    "duplicate": (0.25, 0.06, 0.34, 0.30, 0.03, 0.02),
    "not_city_asset": (0.48, 0.08, 0.22, 0.16, 0.02, 0.04),
    "abandoned": (0.00, 0.00, 0.55, 0.43, 0.02, 0.00),
    "validation_failed": (0.00, 0.02, 0.58, 0.38, 0.02, 0.00),
}

#: Relative frequency of each kind at a plain-named code; jargon scales some of them up.
KIND_BASE = {
    "recoded": 0.30, "transferred": 0.12, "cancelled": 0.12, "duplicate": 0.16,
    "not_city_asset": 0.03, "abandoned": 0.17, "validation_failed": 0.10,
}
#: How much each kind grows with a code's jargon score (rate *= 1 + JARGON_GAIN[kind] * jargon).
JARGON_GAIN = {
    "recoded": 3.0, "transferred": 2.0, "cancelled": 1.0, "duplicate": 0.0,
    "not_city_asset": 0.5, "abandoned": 2.5, "validation_failed": 1.0,
}


# ----------------------------------------------------------------------------------------------------------
# More families (second pass): the long tail every real catalogue has
# ----------------------------------------------------------------------------------------------------------

DISTRICTS = (("west", "West District"), ("north", "North District"), ("east", "East District"), ("core", "Core District"))

fam("parking", "Parking problem or permit", TS, ROW, ("vehicle_plate", "time_of_day", "description"), [
    V("permit-enquiry", "On-Street Permit Parking - Enquiry", pop=0.8),
    V("permit-sign", "Permit Parking Sign Request", section=SPM, pop=0.2),
    V("accessible-space", "Accessible Parking Space on Street - Request", section=TSF, pop=0.2),
    V("pay-machine", "Pay & Display Machine Out of Order", pop=0.5),
    V("blocked-driveway", "Vehicle Blocking Driveway (Police Referral)", division=C311, section="Contact Centre", pop=0.6),
    V("bike-lane-parking", "Vehicle Parked in Bike Lane (Police Referral)", division=C311, section="Contact Centre", pop=0.3),
    V("front-yard", "Front Yard Parking - Enforcement", division=MLS, section="Bylaw Enforcement", pop=0.3),
    V("permit-enquiry", "PP: Permit Info", near_dup=True, pop=0.2),
], pop=2, sla=10, ctl=1, jargon=0.35, keywords=("parking", "permit"), confused_with=("abandoned-vehicle", "driveway-permit"))
fam("road-work", "Road construction concern", TS, ROW, ("description", "time_of_day", "landmark"), [
    V("complaint", "Road Work - General Complaint", pop=0.8),
    V("detour", "Detour Signage Confusing / Missing", section=SPM, pop=0.2),
    V("work-zone", "Work Zone Safety (Ped Access)", pop=0.3),
    V("barricade", "Barricade/Cones Left Behind", pop=0.4),
    V("steel-plate", "Steel Plate on Road - Loose", pop=0.2),
    V("closure-info", "Road Closure Information", division=C311, section=KB, pop=0.5),
    V("complaint", "Capital Works || Resident Concern", near_dup=True, pop=0.2),
], pop=1.5, sla=10, ctl=2, jargon=0.45, keywords=("construction", "road work", "detour"), confused_with=("row-obstruction", "utility-cut"))
fam("cycling", "Bike lane or cycling infrastructure", TS, TSF, ("location_type", "hazard", "description"), [
    V("bollard", "Bike Lane Bollard / Flexipost Damaged", section=RO, pop=0.4),
    V("new-lane", "Cycling Infrastructure - Request", pop=0.2),
    V("bike-box", "Bike Box / Two-Stage Turn Queue Box Faded", section=SPM, pop=0.1),
    V("bike-share", "Bike Share Station (Not City - Referral)", division=C311, section="Contact Centre", pop=0.2),
    V("trail", "Multi-Use Trail Surface Damaged", division=PK, section=PO, pop=0.2),
], pop=0.8, sla=30, ctl=2, jargon=0.4, season="summer", keywords=("bike", "cycling", "bike lane"))
fam("roadside-safety", "Guardrail, noise wall or crossing guard", TS, SX, ("hazard", "landmark"), [
    V("guardrail", "Guide Rail Damaged", pop=0.3),
    V("noise-wall", "Noise Barrier Wall - Damaged", pop=0.15),
    V("crossing-guard", "School Crossing Guard - Absent", section=TSF, pop=0.2),
    V("crossing-guard-request", "School Crossing Guard - New Location Request", section=TSF, pop=0.05),
    V("fence", "Expressway Fence Damaged", pop=0.1),
], pop=0.5, sla=14, ctl=2, jargon=0.5, keywords=("guardrail", "crossing guard"))
fam("bin-placement", "Bin left out or blocking", SW, COL, ("bin_serial", "landmark"), [
    V(f"{s[0]}/{prob}", nm.format(s=s[2]), pop=p, dims=(("stream", s[0]), ("problem", prob)))
    for s in STREAMS[:3]
    for prob, nm, p in (("left-on-road", "{s} Bin Left on Road after Collection", 0.3),
                        ("lid-open", "{s} Bin Lid Left Open / Contents Blowing", 0.15),
                        ("not-returned", "{s} Bin Not Returned After Repair", 0.2))
] + [V("bins-stored-sidewalk", "Bins Stored on Sidewalk (Bylaw)", division=MLS, section=BYL, pop=0.3)],
    pop=1, sla=10, ctl=1, jargon=0.3, keywords=("bin", "left out"), confused_with=("bin-damaged", "waste-private"))
fam("apartment-building", "Problem in an apartment building", MLS, PS, ("unit", "property_type", "contact_ok"), [
    V(k, n, pop=p) for k, n, p in (
        ("elevator", "MRAB - Elevator Out of Service", 0.5), ("garbage-chute", "MRAB - Garbage Chute / Room", 0.3),
        ("common-area", "MRAB - Common Area Cleanliness", 0.4), ("security", "MRAB - Entrance Door / Security", 0.3),
        ("laundry", "MRAB - Laundry Room Not Working", 0.2), ("garage", "MRAB - Parking Garage Condition", 0.15),
        ("balcony", "MRAB - Balcony Guard / Railing", 0.15), ("windows", "MRAB - Windows / Screens", 0.2),
        ("plumbing", "MRAB - Plumbing (Common Areas)", 0.2), ("lighting", "MRAB - Lighting in Corridors", 0.15),
        ("pests", "MRAB - Cockroaches / Bed Bugs", 0.5), ("heat", "MRAB - No Heat (Whole Building)", 0.4))
] + [V("heat", "Apartment Building - No Heat", near_dup=True, pop=0.2, season="winter")],
    pop=2, sla=20, ctl=3, jargon=0.65, keywords=("apartment", "building", "landlord"), confused_with=("property-standards",))
fam("postering", "Posters or signs on poles", MLS, BYL, ("landmark", "description"), [
    V("city-pole", "Posters on City Pole / Infrastructure", pop=0.4),
    V("utility-pole", "Posters on Hydro Pole (Not City)", division=C311, section="Contact Centre", pop=0.2),
    V("lawn-signs", "Election / Lawn Signs on Boulevard", division=TS, section=ROW, pop=0.2),
    V("city-pole", "Illegal Postering", near_dup=True, pop=0.2),
], pop=0.6, sla=14, ctl=1, jargon=0.3, keywords=("posters", "flyers", "signs"), confused_with=("graffiti", "sign"))
fam("water-service", "Water service at my home", TW, WD, ("property_type", "hazard", "description"), [
    V("frozen-pipe", "Frozen Water Service", pop=0.6, season="winter"),
    V("curb-stop", "Curb Stop Box - Damaged / Raised", pop=0.3),
    V("flushing", "Hydrant Flushing - Discoloured Water After", section=WQ, pop=0.2),
    V("new-connection", "New Water Service Connection", pop=0.15),
    V("frozen-pipe", "Frozen Pipes - No Water (Winter)", near_dup=True, pop=0.2, season="winter"),
], pop=1, sla=2, ctl=2, jargon=0.45, keywords=("pipes", "frozen", "service"), confused_with=("no-water", "water-leak"))
fam("sewer-maintenance", "Sewer maintenance", TW, WW, ("hazard", "landmark", "description"), [
    V("cleaning", "Sewer Cleaning / Flushing Request", pop=0.3),
    V("cctv", "Sewer CCTV Inspection Request", pop=0.15),
    V("overflow", "Sanitary Overflow to Street", pop=0.2),
    V("odour-pumping", "Pumping Station Odour / Noise", pop=0.1),
    V("storm-pond", "Stormwater Pond - Maintenance", section=SWM, pop=0.1),
    V("rain-barrel", "Rain Barrel / Downspout Program", section=SWM, pop=0.1),
], pop=0.6, sla=10, ctl=2, jargon=0.7, keywords=("sewer",), confused_with=("sewer-backup", "maintenance-hole"))
fam("invasive-plants", "Harmful or invasive plants", UF, FH, ("location_type", "description"), [
    V("hogweed-park", "Giant Hogweed - Parkland", division=PK, section=HORT, pop=0.2),
    V("hogweed-private", "Giant Hogweed - Private Property", division=MLS, section=BYL, pop=0.2),
    V("ragweed", "Ragweed / Noxious Weeds", division=MLS, section=BYL, pop=0.3),
    V("buckthorn", "Invasive Shrubs - Ravine", pop=0.1),
    V("poison-ivy", "Poison Ivy on City Land", division=PK, section=HORT, pop=0.15),
    V("dog-strangling-vine", "DSV (Dog-Strangling Vine) Report", pop=0.05),
], pop=0.6, sla=30, ctl=1, jargon=0.5, season="summer", keywords=("weeds", "invasive", "hogweed"), confused_with=("long-grass",))
fam("tree-care", "New tree needs care", UF, TPL, ("tree_species", "description"), [
    V("watering", "Young Tree - Watering Needed", pop=0.3, season="summer"),
    V("stake", "Tree Stake / Tie Too Tight", pop=0.1),
    V("mulch", "Mulch / Woodchip Request", pop=0.3),
    V("protection", "Tree Protection Zone - Construction Damage", section=TPR, pop=0.3),
    V("hoarding", "Tree Hoarding Missing on Site", section=TPR, pop=0.2),
    V("protection", "TPP Infraction (By-law 813)", section=TPR, near_dup=True, pop=0.1),
], pop=0.8, sla=30, ctl=2, jargon=0.45, keywords=("tree", "watering", "mulch"), confused_with=("tree-maintenance",))
fam("park-use", "Using a park", PK, PO, ("park_name", "description"), [
    V("ola-request", "New Off-Leash Area Request", pop=0.1),
    V("community-garden", "Community Garden Plot Enquiry", section=HORT, pop=0.2),
    V("beach-water", "Beach Water Quality (Posted)", section=AQ, pop=0.2, season="summer"),
    V("lifeguard", "Lifeguard / Supervised Beach Hours", section=AQ, pop=0.1, season="summer"),
    V("bbq-permit", "BBQ / Picnic Permit Question", pop=0.3, season="summer"),
    V("filming", "Filming in Park Complaint", division=C311, section="Contact Centre", pop=0.05),
    V("event-noise", "Event in Park - Noise / Crowd", division=MLS, section=PPS, pop=0.2),
], pop=0.8, sla=10, ctl=1, jargon=0.3, season="summer", keywords=("park", "permit", "beach"))
fam("park-winter", "Park in winter", PK, PO, ("park_name", "hazard"), [
    V("path-salting", "Park Path Salting", pop=0.3, season="winter"),
    V("parking-lot-plow", "Park Parking Lot Plowing", pop=0.2, season="winter"),
    V("hill-safety", "Tobogganing Hill - Safety Concern", pop=0.1, season="winter"),
], pop=0.6, sla=2, ctl=1, jargon=0.25, season="winter", keywords=("snow", "park"), confused_with=("snow-ice",))

# District-era codes from before the divisions merged their queues: retired, a trickle of misuse.
fam("legacy-district", "Old district queues", C311, KB, ("description",), [
    V(f"{dk}/{fk}", f"{dn} || {label}", status=("retired" if i < 10 else "active"), pop=0.03,
      dims=(("district", dk),))
    for i, ((dk, dn), (fk, label)) in enumerate(
        ((d, f) for f in (("tree", "Forestry Service Request"), ("garbage", "Garbage Missed (Pre-Harmonization)"),
                          ("road", "Road Ops Request"), ("water", "District Ops - Water")) for d in DISTRICTS))
], pop=0.3, sla=10, ctl=1, jargon=1.0)

fam("storm-cleanup", "Storm clean-up", UF, TM, ("tree_size", "location_type", "num_items"), [
    V("curbside-branches", "Storm Debris - Curbside Branch Pickup", division=SW, section=COL, pop=0.5),
    V("park", "Storm Debris in Park", division=PK, section=PF, pop=0.2),
    V("street", "Storm Response - Street Trees", pop=0.4),
    V("ravine", "Ravine Tree Down Across Trail", section=FH, pop=0.1),
    V("ravine-erosion", "Ravine Slope Erosion After Storm", division=TW, section=SWM, pop=0.05),
], pop=0.6, sla=7, ctl=2, jargon=0.35, season="summer", keywords=("storm", "branches"), confused_with=("tree-damage",))

# "General enquiry" codes every section keeps for itself: same question, a dozen spellings.
_enquiry_styles = ("{sec} - General Enquiry", "Info Request || {sec}", "{sec}: Information", "GEN INQ {abbr}-{j:02d}")
fam("section-enquiry", "Question for a specific service", C311, CC, ("description",), [
    V(f"info/{DIVISION_PREFIX[d].lower()}/{j}", _enquiry_styles[(i + j) % 4].format(sec=sec, abbr=DIVISION_PREFIX[d], j=j + 1),
      division=d, section=sec, pop=0.15, dims=(("for_division", DIVISION_PREFIX[d].lower()),))
    for i, d in enumerate(SECTIONS) for j, sec in enumerate(SECTIONS[d]) if d != C311
], pop=1.5, sla=5, ctl=1, jargon=0.6, keywords=("question", "enquiry"), confused_with=("general-enquiry",))

fam("multi-res-waste", "Apartment building waste service", SW, COL, ("property_type", "bin_size", "description"), [
    V("bulk-bin", "Multi-Res / Bulk Bin Not Serviced", pop=0.4),
    V("contamination", "Multi-Res Recycling Contamination Notice", section=SWCS, pop=0.15),
    V("chute", "Multi-Res Chute Closure Exemption", section=SWCS, pop=0.05),
    V("enrolment", "Multi-Res Organics Program Enrolment", section=BIN, pop=0.1),
    V("bulk-bin", "Multi-Res / Front-End Garbage / Missed", near_dup=True, pop=0.3),
], pop=0.8, sla=5, ctl=2, jargon=0.55, keywords=("apartment", "condo", "bulk bin"), confused_with=("missed-collection",))
fam("burning", "Fire, smoke or fireworks", MLS, BYL, ("time_of_day", "recurring", "description"), [
    V("fireworks", "Fireworks - Unpermitted Discharge", pop=0.3),
    V("open-air", "Open Air Burning", pop=0.2),
    V("fire-pit", "Backyard Fire Pit Smoke", pop=0.2),
    V("wood-smoke", "Wood Smoke Complaint (Referral)", division=C311, section="Contact Centre", pop=0.05),
], pop=0.5, sla=3, ctl=1, jargon=0.25, keywords=("smoke", "fire", "fireworks"))
fam("sign-bylaw", "Billboards and business signs", MLS, LIC, ("business_name", "landmark"), [
    V("billboard", "Third-Party Sign / Billboard - Unpermitted", pop=0.15),
    V("business-sign", "Business Sign Complaint", pop=0.1),
    V("variance", "Sign Variance Enquiry", pop=0.05),
], pop=0.3, sla=30, ctl=2, jargon=0.55, keywords=("billboard", "sign"), confused_with=("sign", "postering"))
fam("water-use", "Water use and conservation", TW, MTR, ("property_type", "description"), [
    V("watering-ban", "Lawn Watering Restriction Violation", division=MLS, section=BYL, pop=0.1, season="summer"),
    V("rebate", "Water Efficiency Rebate Enquiry", pop=0.1),
    V("pool-fill", "Pool Filling - Bulk Water Request", pop=0.05, season="summer"),
], pop=0.3, sla=20, ctl=1, jargon=0.35, keywords=("watering", "rebate"))
fam("animal-bylaw", "Keeping animals", MLS, AS, ("animal_type", "animal_count", "description"), [
    V("prohibited", "Prohibited Animal Kept", pop=0.1),
    V("hens", "Backyard Hens Enquiry", pop=0.1),
    V("bees", "Beekeeping Complaint", pop=0.05),
    V("pigeons", "Pigeon Feeding / Droppings", pop=0.2),
], pop=0.4, sla=14, ctl=2, jargon=0.3, keywords=("animals", "pets", "hens"), confused_with=("wildlife",))
fam("park-safety", "Unsafe condition in a park", PK, PO, ("park_name", "hazard", "description"), [
    V("general", "Park - Unsafe Condition (General)", pop=0.4),
    V("glass", "Broken Glass in Park", pop=0.3, season="summer"),
    V("gate", "Park Gate Locked / Damaged", section=FAC, pop=0.1),
    V("encampment-debris", "Encampment Debris Clean-up (Parks)", pop=0.3),
], pop=0.8, sla=3, ctl=1, jargon=0.25, keywords=("unsafe", "park", "glass"), confused_with=("park-amenity", "litter"))
fam("traffic-tech", "Traffic cameras and data", TS, TMC, ("landmark", "description"), [
    V("camera-pole", "Traffic Camera Pole Damaged", pop=0.05),
    V("red-light", "Red Light Camera Enquiry (Referral)", division=C311, section="Contact Centre", pop=0.15),
    V("count-data", "Traffic Count / Study Data Request", section=TSF, pop=0.05),
    V("ase", "ASE Camera Location Enquiry", pop=0.2),
], pop=0.3, sla=30, ctl=1, jargon=0.7, keywords=("camera", "traffic data"), confused_with=("traffic-signal",))
