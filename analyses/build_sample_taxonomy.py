"""Draft the bundled ``taxonomy/`` for the sample city from its problem families.

    python analyses/build_sample_taxonomy.py [--out taxonomy] [--seed 311]

Reproducible: same seed, byte-identical files. The curation lives in this script (the tables below), so
every editorial choice is reviewable and re-applies when the sample changes:

- one public category per problem family (``extra["family"]``), a few small related families grouped
  under one category with a first "What is it about?" question (``GROUPS``), the two legacy queue
  families folded into the general enquiry (``FOLD``), so 650+ codes become at most one category per
  eight codes;
- the routing question is the variant (``extra["variant"]``); variants with a ``/`` hierarchy
  (``garbage/res``) become a short chain of dependent questions ("Which bin?", then "What kind of
  property?") so residents answer only what matters;
- each operational field is asked once per category in the plain wording of the field bank, and mapped
  back to each code's own key and pick-list keys (``is_hazard`` Y/N/U <- "Is this an immediate hazard?"
  yes/no/unknown), and only on the routes whose code has that field (``ask_when`` on the routing answers;
  when no single routing question tells those routes apart, one copy of the question per condition,
  never two asked on one route);
- intake is simplified, never at the cost of a required field or a reachable pick-list value: a field the
  route's own answer already settles is ``derived`` from it ("Snow on a sidewalk" -> location sidewalk,
  "A house" -> property type house, "Lid" -> broken part lid: ``VARIANT_ANSWERS``, ``PART_ANSWERS``), its
  other values listed as ``excluded`` because other answers produce them; optional fields the request
  itself already carries (its description box, time stamp and location) are ``dropped`` with the reason
  (``DROP``, ``DROP_AT``);
- near-duplicate codes are ``merged`` into their primary when nothing is lost (same division, every
  required field kept); otherwise they stay separate answers beside the primary's, with a plain label
  (``SPLIT_LABELS``), so the primary's residents get no extra question;
- referrals: hate graffiti goes to the police first (recorded under the asset's code so the City removes
  it afterwards); graffiti on a utility pole, a phone or cable box, or a mailbox goes to the asset's
  owner; the 311 referral codes record referrals to utilities and the police.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from codekit import _sample_vocab as voc
from codekit.model import Catalogue, ServiceCode
from codekit.sample import sample_catalogue
from codekit.taxonomy.model import Choice, FieldFill, Merge, PublicCategory, Question, Referral, Route
from codekit.taxonomy.write import write_category

# ------------------------------------------------------------------------------------------------------------
# Curation tables
# ------------------------------------------------------------------------------------------------------------

#: category id -> (label, description, families, topic prompt)
GROUPS = {
    "animal-in-trouble": ("Animal in trouble, wildlife or a dead animal",
                          "An injured, sick, neglected or dead animal, or a wildlife problem.",
                          ("injured-animal", "animal-care", "dead-animal", "wildlife"), "What is happening?"),
    "pets-and-dogs": ("Dogs, pets and keeping animals",
                      "A problem with a dog, a pet licence, a lost or found pet, or keeping hens, bees or pigeons.",
                      ("dog-complaint", "pet-services", "animal-bylaw"), "What is it about?"),
    "park-facilities": ("Park washroom, winter care or safety",
                        "A park washroom, a park path or parking lot in winter, or something unsafe in a park.",
                        ("park-washroom", "park-winter", "park-safety"), "What is it about?"),
    "water-meter-and-use": ("Water meter, bill or water use",
                            "Your water meter or bill, watering rules and rebates, or City water work at your home.",
                            ("water-meter", "water-use", "water-works"), "What is it about?"),
    "tree-planting-and-care": ("Plant a tree, young tree care or tree pests",
                               "Ask for a tree, care for a newly planted tree, or report tree pests and disease.",
                               ("tree-planting", "tree-care", "tree-health"), "What is it about?"),
    "road-cut-or-manhole": ("Road not fixed after digging, or a manhole cover",
                            "A road, sidewalk or boulevard left unfinished after digging, or a manhole cover problem.",
                            ("utility-cut", "maintenance-hole"), "What is it about?"),
    "road-signs-and-markings": ("Road sign or road markings",
                                "A road sign that is missing, damaged or hidden, or faded road markings.",
                                ("sign", "pavement-markings"), "What is it about?"),
}

#: families whose active codes are folded into another family's variant (legacy internal queues)
FOLD = {"legacy-unmapped": ("general-enquiry", "info"), "legacy-district": ("general-enquiry", "info")}

#: public groups (menus) by the owning division of the family
DIVISION_GROUP = {
    voc.TS: "Roads, sidewalks and traffic", voc.SW: "Garbage, recycling and bins",
    voc.MLS: "Bylaws, animals and property", voc.TW: "Water and sewers", voc.UF: "Trees",
    voc.PK: "Parks and recreation", voc.C311: "Questions and feedback",
}

#: the first routing question's prompt, per family (default: "Which best describes it?")
PROMPTS = {
    "pothole": "Where is the pothole?", "snow-ice": "What needs clearing?", "streetlight": "Which light is it?",
    "graffiti": "What is the graffiti on?", "tree-damage": "Where is the tree?",
    "tree-maintenance": "Where is the tree?", "tree-removal": "What do you need?",
    "missed-collection": "What was not collected?", "bin-damaged": "Which bin is broken?",
    "bin-missing": "Which bin is missing?", "bin-extra": "Which bin do you need?",
    "bin-exchange": "Which bin do you want to change?", "bin-remove": "Which bin do you want to return?",
    "oversized-pickup": "What do you want picked up?", "bin-placement": "What is the problem?",
    "water-leak": "Where is the water leaking?", "dead-animal": "Where is the animal?",
    "illegal-dumping": "Where was it dumped?", "needles": "Where are the needles?",
    "section-enquiry": "Which City service is your question about?", "abandoned-vehicle": "Where is the vehicle?",
    "noise": "What is making the noise?", "litter": "What is the problem?",
}

#: field questions reworded where the family's own question already asks something close
FIELD_PROMPTS = {"graffiti_surface": "What kind of surface is it painted on?"}

#: plain labels for variant tokens (default: the token with dashes as spaces, capitalised)
TOKENS = {
    "res": "A house", "multi-res": "An apartment or condo building", "non-res": "A business",
    "fel": "Front-end bin (large building bin)", "night": "Night collection (main streets)",
    "whole-street": "The whole street was missed", "park-bin": "A park litter bin",
    "christmas-tree": "Christmas tree", "yard-waste": "Yard waste", "organics": "Green bin (organics)",
    "recycling": "Blue bin (recycling)", "garbage": "Garbage bin", "metal": "Scrap metal",
    "oversized": "Large items", "kitchen-container": "Kitchen container", "damaged-by-truck": "Damaged by the truck",
    "body": "Cracked body", "lid": "Lid", "wheel": "Wheel or axle", "local-road": "A neighbourhood street",
    "arterial": "A main road", "expressway": "An expressway", "bridge-deck": "A bridge", "bike-lane": "A bike lane",
    "row-sign": "A sign on the City's road allowance", "ase": "Speed camera (automated enforcement)",
    "mtu": "Meter reading device", "cctv": "Sewer camera inspection", "ola-request": "Ask for an off-leash area",
    "bbq-permit": "Barbecue permit", "street-emergency": "A street, and it is an emergency",
    "park-emergency": "A park, and it is an emergency", "street": "A street or sidewalk", "park": "A park",
    "private": "Private property", "hogweed-park": "Giant hogweed in a park",
    "hogweed-private": "Giant hogweed on private property", "no-water-multi": "No water in a whole building",
    "day-burning": "On during the day", "watermain-road": "From the road", "watermain-sidewalk": "From the sidewalk",
    "private-side": "On my side of the property line", "utility-pole": "A utility pole",
    "city-pole": "A City pole", "signal-box": "A traffic signal box", "road-sign": "A road sign",
    "street-furniture": "A bench or bus shelter", "park-building": "A park building or washroom",
    "litter-bin": "A street litter bin", "bridge": "A bridge or underpass", "info": "Something else (general)",
    "referral-utility": "Gas, hydro, phone or cable service", "referral-police": "A police matter (not an emergency)",
    "referral-external": "A provincial or federal service", "transferred-out": "Another agency's service",
    "councillor": "My City councillor", "ravine-erosion": "Ravine slope erosion",
    "curbside-branches": "Branches at the curb", "mud-tracking": "Mud tracked onto the road",
    "encampment-debris": "Debris from an encampment", "vital-service": "No heat, water or power (vital service)",
    "rink-ice": "Rink ice", "rink-hours": "Rink hours", "pool-closed": "Pool closed", "pool-clean": "Pool cleanliness",
    "left-in-car": "Animal left in a car", "stray-cat": "Stray cat", "at-large": "Dog running loose",
    "too-many": "Too many dogs", "high-bill": "High water bill", "lead": "Lead in water", "taste-odour": "Taste or smell",
    "crossing-guard-request": "Ask for a crossing guard", "new-lane": "Ask for a new bike lane",
    "bike-share": "Bike share station", "bike-box": "Bike box at an intersection",
    "ped-button": "Pedestrian crossing button", "bbq": "Barbecue", "curb-stop": "Water shut-off valve at the curb",
    "windrow": "Snow left at the end of my driveway", "backflow": "Backflow prevention device",
    "count-data": "Traffic count data", "inspection-park": "Tree inspection in a park",
    "inspection": "Tree inspection on a street", "litter-park": "Litter in a park",
    "litter-private": "Litter on private property", "litter-road": "Litter on a street",
    "odour-pumping": "Smell from a pumping station", "bins-front": "Bins kept in front of a house",
    "bins-stored-sidewalk": "Bins stored on the sidewalk", "road-allowance": "Beside a road",
    "status": "Status of my request", "app": "311 app or website", "shoulder": "Road shoulder",
    "service-line": "The City sewer pipe to my home", "private-line": "My own sewer pipe",
    "set-out-early": "Garbage put out too early", "shut-off": "Water shut off", "multiple": "Several lights out",
    "chute": "Garbage chute", "enrolment": "Join the green bin program", "depot": "Drop-off depot",
    "compost": "Free compost", "missed-sticker": "A sticker was left on my bin", "flushing": "Watermain flushing",
    "restoration": "Repairs after City water work", "lead-replacement": "Lead pipe replacement",
    "eavestrough": "Downspout disconnection", "variance": "Permission for a bigger sign",
    "prohibited": "Animals that are not allowed", "sod": "Sod or grass repair",
    "encroachment": "Private use of public land", "row-obstruction": "Something blocking the road or sidewalk",
    "pole-damaged": "The pole is damaged", "piled-high": "Snow piled too high", "bus-pad": "A bus stop pad",
    "driveway-apron": "A driveway entrance", "steel-plate": "Steel plate on the road", "wildlife-info": "Information",
    "heaved": "Heaved or bumpy", "sightline": "Something blocks the view at a corner", "ravine": "A ravine",
    "private-grading": "Water from a neighbour's property", "ditch": "A ditch", "new": "Ask for a new one",
    "mould": "Mould", "pest": "Pests", "exterior": "Outside of the building", "interior": "Inside a rental unit",
    "vacant": "Vacant building", "body-rub": "Body rub parlour", "fel-bin": "Front-end bin",
    "closure-info": "Road closure information", "work-zone": "Work zone safety",
}

#: plain labels for the division tokens of the section enquiries
DIVISION_TOKENS = {"ts": "Roads and traffic", "sw": "Garbage and recycling", "ml": "Bylaws and licensing",
                   "tw": "Water", "uf": "Trees", "pk": "Parks and recreation"}

#: near-duplicates that cannot be merged (another division, or a required field under another key):
#: their own answer, with a plain label
SPLIT_LABELS = {
    "TW-0128": "Water flooding the road from a drain or pipe", "TS-0207": "Water ponding in a dip of the road",
    "UF-0113": "Permit to remove a tree on my property", "UF-0116": "Permit to prune or damage a tree on my property",
    "TW-0141": "My water service is frozen", "TW-0145": "Frozen pipes and now no water",
    "SW-0234": "Collection staff", "PK-0114": "Staff at a park depot",
}
#: second-level answers that are all property kinds get this prompt
PROPERTY_TOKENS = {"res", "multi-res", "non-res", "fel", "night", "whole-street"}

#: extra referral-only answers to a family's first question: (key, label, to, message)
EXTRA_REFERRALS = {
    "graffiti": (
        ("phone-box", "A phone or cable company box", "The phone or cable company",
         "Phone and cable boxes belong to their companies: report the graffiti to the company named on the box."),
        ("mailbox", "A mailbox", "Canada Post",
         "Mailboxes belong to Canada Post: report the graffiti to Canada Post."),
    ),
}

#: variants whose code records a referral: variant -> (to, message)
REFERRAL_CODES = {
    ("graffiti", "utility-pole"): ("The utility that owns the pole",
                                   "Utility poles are not the City's: 311 passes your report to the pole's owner."),
    ("postering", "utility-pole"): ("The utility that owns the pole",
                                    "Utility poles are not the City's: 311 passes your report to the pole's owner."),
    ("general-enquiry", "referral-utility"): ("Your gas, hydro, phone or cable company",
                                              "These services are not the City's: we will pass you to the company."),
    ("general-enquiry", "referral-police"): ("Police non-emergency line",
                                             "Call the police non-emergency line. In an emergency call 911."),
}

#: optional fields residents are no longer asked, everywhere, with the reason written into each route
DROP = {
    "description": "Residents describe the problem in the request's own description box, which reaches the division.",
    "date_observed": "The request is time-stamped when it is sent; residents who noticed it earlier say so in the "
                     "description.",
    "landmark": "The request's location (address or map pin) says where it is; a landmark can go in the description.",
    "park_name": "The request's location (address or map pin) says which park; residents can name it in the "
                 "description.",
    "collection_day": "The collection day follows from the address (the City's collection calendar).",
    "tree_species": "Few residents know the species: the arborist records it on site (residents who know can say so "
                    "in the description).",
}

#: optional fields not asked on one family's variant: (family, variant's first part, field question) -> reason
DROP_AT = {
    ("missed-collection", "park-bin", "property_type"): "A park litter bin is on park land: no property type applies.",
}

#: a variant part (``garbage/res/lid`` -> garbage, res, lid) that already answers a field question:
#: field question -> {part: canonical answer}
PART_ANSWERS = {
    "property_type": {"res": "house", "multi-res": "multi", "non-res": "business", "whole-street": "house"},
    "bin_damage": {"lid": "lid", "wheel": "wheel", "body": "body", "handle": "handle"},
    "item_type": {"furniture": ["furniture"], "mattress": ["mattress"], "appliance": ["appliance"],
                  "electronics": ["electronics"], "tires": ["tires"], "renovation": ["construction"]},
    "hazard": {"street-emergency": "yes", "park-emergency": "yes"},
}

#: a family's variant (its first part; ``*``: every variant) that already answers a field question:
#: (family, variant) -> {field question: canonical answer}. Only where the answer is certain.
VARIANT_ANSWERS = {
    **{("snow-ice", v): {"location_type": loc} for v, loc in (
        ("bike-lane", "road"), ("bus-stop", "sidewalk"), ("icy-sidewalk", "sidewalk"), ("laneway", "laneway"),
        ("park-path", "park"), ("piled-high", "boulevard"), ("private-sidewalk", "private"), ("road", "road"),
        ("salting", "road"), ("sidewalk", "sidewalk"))},
    **{("pavement-markings", v): {"location_type": "road"} for v in ("bike-lane", "crosswalk", "lane-lines",
                                                                     "stop-bar")},
    **{("boulevard", v): {"location_type": "boulevard"} for v in ("damaged", "grass", "sod")},
    **{("dead-animal", v): {"location_type": loc} for v, loc in (
        ("expressway", "road"), ("park", "park"), ("private", "private"), ("road", "road"))},
    **{("catch-basin", v): {"location_type": v} for v in ("laneway", "park", "road")},
    ("flooding", "road"): {"location_type": "road"}, ("flooding", "private-grading"): {"location_type": "private"},
    ("tree-roots", "private"): {"location_type": "private"}, ("tree-roots", "sidewalk"): {"location_type": "sidewalk"},
    **{("cycling", v): {"location_type": "road"} for v in ("bike-box", "bollard", "new-lane")},
    ("cycling", "trail"): {"location_type": "park"},
    ("invasive-plants", "hogweed-park"): {"location_type": "park"},
    ("invasive-plants", "hogweed-private"): {"location_type": "private"},
    ("storm-cleanup", "park"): {"location_type": "park"},
    **{("noise", v): {"noise_source": src} for v, src in (
        ("barking", "other"), ("construction", "construction"), ("equipment", "equipment"), ("idling", "vehicle"),
        ("music", "music"), ("park", "music"), ("party", "people"))},
    ("traffic-signal", "timing"): {"signal_issue": "timing"}, ("traffic-signal", "ped-button"): {"signal_issue": "button"},
    ("traffic-signal", "knocked-down"): {"signal_issue": "damaged"},
    ("streetlight", "day-burning"): {"light_issue": "day_burning"},
    ("streetlight", "pole-damaged"): {"light_issue": "damaged"},
    ("sign", "stop"): {"sign_type": "stop"}, ("sign", "street-name"): {"sign_type": "street_name"},
    ("sign", "parking"): {"sign_type": "parking"},
    ("street-furniture", "bench"): {"amenity": "bench"}, ("street-furniture", "park-bench"): {"amenity": "bench"},
    **{("park-amenity", v): {"amenity": a} for v, a in (
        ("fence", "fence"), ("fountain", "fountain"), ("picnic-table", "table"), ("park-sign", "sign"),
        ("off-leash", "fence"))},
    ("water-leak", "watermain-road"): {"water_where": "road"},
    ("injured-animal", "bird"): {"animal_type": "bird"},
    ("injured-animal", "trapped"): {"animal_condition": "trapped"},
    ("wildlife", "coyote"): {"animal_type": "coyote"}, ("wildlife", "geese"): {"animal_type": "bird", "location_type": "park"},
    ("wildlife", "raccoon-den"): {"animal_type": "raccoon", "location_type": "private"},
    ("animal-care", "stray-cat"): {"animal_type": "cat"},
    **{("graffiti", v): {"graffiti_surface": g} for v, g in (
        ("bridge", "bridge"), ("signal-box", "box"), ("road-sign", "sign"), ("utility-pole", "pole"))},
    ("water-quality", "taste-odour"): {"water_colour": "clear"},
    ("tree-damage", "street-emergency"): {"tree_blocking": "road"},
    ("tree-maintenance", "street-wires"): {"tree_blocking": "wires"},
    ("sidewalk-damage", "park-path"): {"surface": "asphalt"}, ("sidewalk-damage", "bus-pad"): {"surface": "concrete"},
    ("apartment-building", "*"): {"property_type": "multi"},
    ("multi-res-waste", "*"): {"property_type": "multi"},
    ("no-water", "no-water-multi"): {"property_type": "multi"},
    ("waste-private", "commercial"): {"property_type": "business"},
    ("long-grass", "vacant-lot"): {"property_type": "vacant"},
}

#: more answers leading to a variant's code: (family, last part) -> ((answer, label), ...)
ALIASES = {("bin-damaged", "body"): (("handle", "Handle"),)}

#: a dependent question whose answers are all among these parts gets this prompt
PART_PROMPTS = ((frozenset({"lid", "wheel", "body", "handle"}), "What is broken?"),)

POLICE = Referral(
    to="Police", phone="911",
    message="Hate-motivated graffiti is a possible crime: report it to the police before it is removed. "
            "The City removes it once the police have recorded it.",
)

# ------------------------------------------------------------------------------------------------------------


def _label(token: str) -> str:
    if token in TOKENS:
        return TOKENS[token]
    text = token.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]


def _field_bank() -> dict[tuple, tuple[str, tuple[tuple[str, str], ...]]]:
    """(field key, datatype, its value keys) -> (question id, the wording's values)."""
    out = {}
    for qid, q in voc.Q.items():
        for wd in q.wordings:
            values = wd.values if wd.values is not None else q.values
            out[(wd.key, q.datatype, tuple(k for k, _ in values))] = (qid, values)
    return out


BANK = _field_bank()


def _qid(f) -> tuple[str, tuple]:
    hit = BANK.get((f.key, f.datatype, f.value_keys()))
    if hit is None:  # not in the bank: its own question
        return f.key, tuple((v.key, v.name or v.key) for v in f.values)
    return hit


def _mergeable(dup: ServiceCode, primary: ServiceCode) -> bool:
    if dup.division != primary.division:
        return False
    for f in dup.fields:
        if f.variable and f.required:
            t = primary.field(f.key)
            if t is None or not set(f.value_keys()) <= set(t.value_keys()):
                return False
    return True


class Tree:
    """Variant paths (``garbage/res``) as a tree of dependent questions."""

    def __init__(self) -> None:
        self.children: dict[str, Tree] = {}
        self.leaf: str | None = None  # the variant ending here

    def add(self, parts: list[str], variant: str) -> None:
        node = self
        for p in parts:
            node = node.children.setdefault(p, Tree())
        node.leaf = variant


def _family_questions(fam_key: str, variants: list[str], prefix: str, gate: dict, labels: dict[str, str]):
    """Questions for one family's variants; returns (questions, {variant: when-conditions})."""
    tree = Tree()
    for v in variants:
        tree.add(v.split("/"), v)
    questions: list[Question] = []
    conditions: dict[str, dict[str, tuple[str, ...]]] = {}

    def walk(node: Tree, key: str, cond: dict, depth: int, prompt: str) -> None:
        items = sorted(node.children.items())
        if node.leaf is not None and items:  # a variant that is also a prefix: its own answer
            main = Tree()
            main.leaf = node.leaf
            items = [("main", main)] + items
        if len(items) == 1:
            child_key, child = items[0]
            if child.leaf is not None and not child.children:
                conditions[child.leaf] = dict(cond)
                return
            walk(child, key, cond, depth, prompt)
            return
        choices = []
        for k, child in items:
            if k == "main":
                label = labels.get(child.leaf) or _label(child.leaf.split("/")[-1])
            elif fam_key == "section-enquiry" and k in DIVISION_TOKENS:
                label = DIVISION_TOKENS[k]
            elif child.leaf is not None and child.leaf in labels and not child.children:
                label = labels[child.leaf]
            else:
                label = _label(k)
            choices.append(Choice(k, label))
        questions.append(Question(key=key, prompt=prompt, values=tuple(choices),
                                  ask_when=tuple((q, v) for q, v in {**gate, **cond}.items())))
        for (k, child), ch in zip(items, choices):
            sub = {**cond, key: (ch.key,)}
            if child.leaf is not None and not child.children:
                conditions[child.leaf] = sub
            else:
                parts = set(child.children) | ({"main"} if child.leaf is not None else set())
                prompt = next((pp for ks, pp in PART_PROMPTS if parts <= ks), None)
                if prompt is None:
                    prompt = "What kind of property is it?" if parts <= PROPERTY_TOKENS else "Which one?"
                walk(child, f"{key}_{k.replace('-', '_')}", sub, depth + 1, prompt)

    walk(tree, prefix, {}, 0, PROMPTS.get(fam_key, "Which best describes it?"))
    return questions, conditions


def build(catalogue: Catalogue) -> list[PublicCategory]:
    fam_of = {voc_f.key: voc_f for voc_f in voc.FAMILIES}
    by_fam: dict[str, dict[str, list[ServiceCode]]] = defaultdict(lambda: defaultdict(list))
    for c in catalogue:
        if not c.active:
            continue
        ex = dict(c.extra)
        by_fam[ex["family"]][ex["variant"]].append(c)
    folded: dict[tuple[str, str], list[ServiceCode]] = defaultdict(list)
    for fk, (into_f, into_v) in FOLD.items():
        for codes in by_fam.pop(fk, {}).values():
            folded[(into_f, into_v)].extend(codes)

    grouped = {f: gid for gid, (_, _, fams, _) in GROUPS.items() for f in fams}
    plan: dict[str, list[str]] = defaultdict(list)
    for fk in sorted(by_fam):
        plan[grouped.get(fk, fk)].append(fk)

    cats = []
    for cid in sorted(plan):
        fams = sorted(plan[cid], key=lambda f: list(GROUPS[cid][2]).index(f)) if cid in GROUPS else plan[cid]
        cats.append(_category(cid, fams, by_fam, folded, fam_of))
    return cats


def _category(cid, fams, by_fam, folded, fam_of) -> PublicCategory:
    multi = len(fams) > 1
    questions: list[Question] = []
    routes: list[Route] = []
    merged: list[Merge] = []
    topic_key = "topic"
    if multi:
        questions.append(Question(key=topic_key, prompt=GROUPS[cid][3],
                                  values=tuple(Choice(f, fam_of[f].label) for f in fams)))
    # the leaves: (family, variant key, code or None, conditions, answer label)
    leaves = []
    for f in fams:
        labels: dict[str, str] = {}
        variants: dict[str, ServiceCode] = {}
        meaning: dict[str, str] = {}  # answer path -> the variant it stands for (an alias: its own parts)
        for v, codes in sorted(by_fam[f].items()):
            codes = sorted(codes, key=lambda c: ("near_duplicate_of" in dict(c.extra), c.code))
            primary = codes[0]
            variants[v] = primary
            meaning[v] = v
            for dup in codes[1:] + sorted(folded.get((f, v), []), key=lambda c: c.code):
                if _mergeable(dup, primary):
                    kind = "legacy queue" if dict(dup.extra)["family"].startswith("legacy") else "near-duplicate"
                    merged.append(Merge(code=dup.code, into=primary.code,
                                        reason=f"{kind} of {primary.code} ({primary.name}); same division and fields"))
                else:  # its own answer beside the primary's (not one more question under it)
                    sib = f"{v}-{dup.code.lower()}"
                    variants[sib] = dup
                    meaning[sib] = v
                    labels[sib] = SPLIT_LABELS.get(dup.code, f"Other: {dup.name}")
                    if primary.code in SPLIT_LABELS:
                        labels[v] = SPLIT_LABELS[primary.code]
            *head, last = v.split("/")
            for alias, alias_label in ALIASES.get((f, last), ()):
                ak = "/".join(head + [alias])
                variants[ak] = primary
                meaning[ak] = ak
                labels[ak] = alias_label
        for v, code in variants.items():
            if f == "section-enquiry":  # the question is about a service: name it by its section
                labels[v] = re.sub(r"\s*\([A-Z]{2,}\)", "", code.section)  # no "(SWMS)"
            elif v not in labels and v.split("/")[-1] in TOKENS:
                labels[v] = TOKENS[v.split("/")[-1]]
        extra_refs = EXTRA_REFERRALS.get(f, ())
        vkeys = sorted(variants) + [k for k, *_ in extra_refs]
        prefix = f.replace("-", "_") if multi else "what"
        gate = {topic_key: (f,)} if multi else {}
        for k, lab, *_ in extra_refs:
            labels[k] = lab
        if f == "graffiti":  # hate graffiti first: the police before removal
            questions.append(Question(key="graffiti_offensive", prompt=voc.Q["graffiti_offensive"].wordings[0].prompt,
                                      values=tuple(Choice(k, lab) for k, lab in voc.Q["graffiti_offensive"].values)))
        qs, conds = _family_questions(f, vkeys, prefix, gate, labels)
        questions.extend(qs)
        for v in vkeys:
            leaves.append((f, meaning.get(v, v), variants.get(v), {**gate, **conds[v]},
                           labels.get(v) or _label(v.split("/")[-1]), v))

    # how each leaf fills each operational field of its code: dropped, derived from the route, or asked
    field_questions: dict[str, Question] = {}
    asked = {q.key for q in questions}  # routing questions that also fill a field (graffiti_offensive)
    plans = []
    for f, v, code, when, answer, _ in leaves:
        if code is None:
            plans.append(None)
            continue
        plan = []
        for of in code.fields:
            if not of.variable:
                continue
            qid, values = _qid(of)
            own = dict(zip((k for k, _ in _canon(qid, values)), (k for k, _ in values)))
            reason = DROP_AT.get((f, v.split("/")[0], qid)) or DROP.get(qid)
            if reason and not of.required:
                plan.append((of, "dropped", reason))
                continue
            known = _route_answer(qid, f, v)
            if known is not None:
                val = [own[x] for x in known] if isinstance(known, list) else own[known]
                plan.append((of, "derived", (val, answer)))
                continue
            if qid not in field_questions and qid not in asked:
                bank = voc.Q.get(qid)
                prompt = FIELD_PROMPTS.get(qid, bank.wordings[0].prompt) if bank is not None else (of.prompt or of.key)
                field_questions[qid] = Question(
                    key=qid, prompt=prompt, datatype=of.datatype,
                    values=tuple(Choice(k, lab) for k, lab in _canon(qid, values)) if of.is_list else (),
                    required=False,
                )
            if of.required and qid in field_questions:
                field_questions[qid] = _replace_q(field_questions[qid], required=True)
            m = tuple(own.items()) if of.is_list and any(c != o for c, o in own.items()) else ()
            plan.append((of, "from", (qid, m)))
        plans.append(plan)

    # values each code's pick-lists can receive on any of its routes (the rest are excluded where derived)
    produced: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (f, v, code, when, answer, key), plan in zip(leaves, plans):
        for of, kind, data in plan or ():
            if kind == "derived":
                produced[(code.code, of.key)].update(data[0] if isinstance(data[0], list) else [data[0]])
            elif kind == "from" and of.is_list:
                produced[(code.code, of.key)].update(o for _, o in data[1] or zip(of.value_keys(), of.value_keys()))

    choice_label = {(q.key, c.key): c.label for q in questions for c in q.values}
    for (f, v, code, when, answer, key), plan in zip(leaves, plans):
        ref = next(((to, msg) for k, _, to, msg in EXTRA_REFERRALS.get(f, ()) if k == v), None)
        if code is None and ref is not None:
            if f == "graffiti":
                routes.append(Route(when=_when({**when, "graffiti_offensive": ("yes",)}), referral=POLICE))
                when = {**when, "graffiti_offensive": ("no", "unknown")}
            routes.append(Route(when=_when(when), referral=Referral(to=ref[0], message=ref[1])))
            continue
        fills, dropped = [], []
        for of, kind, data in plan:
            if kind == "dropped":
                dropped.append((of.key, data))
            elif kind == "derived":
                val = data[0]
                label = " / ".join(choice_label[(k, vs[0])] for k, vs in when.items() if len(vs) == 1) or data[1]
                got = produced[(code.code, of.key)]
                why = f"Set by the route (\u201c{label}\u201d)."
                excl = tuple((x, why) for x in of.value_keys() if x not in got)
                fills.append((of.key, FieldFill(derived=val, excluded=excl)))
            else:
                fills.append((of.key, FieldFill(source=data[0], map=data[1])))
        rc = REFERRAL_CODES.get((f, v.split("/")[0]))
        common = dict(code=code.code, division=code.division, section=code.section, fields=tuple(fills),
                      dropped=tuple(dropped))
        if f == "graffiti":
            routes.append(Route(when=_when({**when, "graffiti_offensive": ("yes",)}), referral=POLICE, **common))
            when = {**when, "graffiti_offensive": ("no", "unknown")}
        referral = Referral(to=rc[0], message=rc[1]) if rc else None
        routes.append(Route(when=_when(when), referral=referral, **common))

    fam0 = fam_of[fams[0]]
    ctls = sorted({fam_of[f].ctl for f in fams})
    ctl = fam0.ctl if len(ctls) == 1 else None
    if ctl is None:
        routes = [_replace_r(r, ctl_level=fam_of[_family_of(r, leaves)].ctl) if r.code else r for r in routes]
    label, desc = (GROUPS[cid][0], GROUPS[cid][1]) if multi else (fam0.label, fam0.describe or "")
    if not desc:
        desc = f"Report or ask about: {label[:1].lower() + label[1:]}."
    synonyms = tuple(dict.fromkeys(k for f in fams for k in fam_of[f].keywords))
    groups = tuple(sorted({DIVISION_GROUP[fam_of[f].division] for f in fams}))
    # the milestones residents are told: the codes' own when they all agree (else each code's, per route)
    routed = [code for _, _, code, *_ in leaves if code is not None]
    shared = {c.milestones for c in routed}
    milestones = next(iter(shared)) if len(shared) == 1 else ()
    cat = PublicCategory(
        id=cid, label=label, description=desc or f"{label}.", synonyms=synonyms, groups=groups, ctl_level=ctl,
        milestones=milestones, questions=tuple(questions) + tuple(field_questions.values()), routes=tuple(routes),
        merged=tuple(merged),
        notes=f"Drafted by analyses/build_sample_taxonomy.py from the sample families: {', '.join(fams)}.",
    )
    return _ask_only_where_used(cat, list(field_questions))


def _canon(qid: str, values: tuple) -> tuple:
    """The field bank's plain answers for a question (the field's own values when not in the bank)."""
    bank = voc.Q.get(qid)
    return bank.values if bank is not None and bank.values else values


def _route_answer(qid: str, family: str, variant: str):
    """The canonical answer to field question ``qid`` the route itself gives (``None``: still asked)."""
    parts = variant.split("/")
    for key in ((family, parts[0]), (family, "*")):
        if qid in VARIANT_ANSWERS.get(key, {}):
            return VARIANT_ANSWERS[key][qid]
    hits = {repr(PART_ANSWERS[qid][p]): PART_ANSWERS[qid][p] for p in parts if p in PART_ANSWERS.get(qid, {})}
    return next(iter(hits.values())) if len(hits) == 1 else None


def _ask_only_where_used(cat: PublicCategory, field_keys: list[str]) -> PublicCategory:
    """Give each field question an ``ask_when`` so it is asked only on the routes it fills a field for.

    The condition is one earlier routing question's answers. When no single question tells the routes
    apart (``fel`` under each stream), the question is split into one copy per condition (only one is
    ever asked on a route); when even that fails it is left unconditioned.
    """
    from codekit.taxonomy.routing import answer_combinations, matching_routes

    routing = cat.routing_questions()
    rkeys = [q.key for q in routing]
    combos = answer_combinations(cat)
    route_of = []
    for a in combos:
        hits = matching_routes(cat, a)
        route_of.append(hits[0] if len(hits) == 1 else None)
    questions = list(cat.questions)
    routes = list(cat.routes)
    for qid in field_keys:
        if qid in rkeys:
            continue
        users = {i for i, r in enumerate(routes) if any(fl.source == qid for _, fl in r.fields)}
        used = [a for a, ri in zip(combos, route_of) if ri in users]
        unused = [a for a, ri in zip(combos, route_of) if ri is not None and ri not in users]
        if not unused:
            continue
        qi = next(i for i, q in enumerate(questions) if q.key == qid)
        conds = _cover(routing, used, unused)
        if conds is None:
            continue
        # every route must be covered by one condition (then it reads that copy)
        copy_of: dict[int, int] = {}
        ok = True
        for a, ri in zip(combos, route_of):
            if ri in users:
                ci = next(i for i, (k, vals) in enumerate(conds) if a.get(k) in vals)
                if copy_of.setdefault(ri, ci) != ci:
                    ok = False
        if not ok:
            continue
        base = questions[qi]
        copies = []
        for i, (k, vals) in enumerate(conds):
            key = qid if i == 0 else f"{qid}_{i + 1}"
            order = [v for v in next(q for q in routing if q.key == k).value_keys() if v in vals]
            copies.append(_replace_q(base, key=key, ask_when=((k, tuple(order)),)))
        questions[qi:qi + 1] = copies
        for ri, ci in copy_of.items():
            if ci:
                r = routes[ri]
                routes[ri] = _replace_r(r, fields=tuple(
                    (k, _replace_fill(fl, source=copies[ci].key) if fl.source == qid else fl) for k, fl in r.fields))
    return _replace_c(cat, questions=tuple(questions), routes=tuple(routes))


def _cover(routing: list[Question], used: list[dict], unused: list[dict]):
    """Conditions ``[(question, answers)]`` that hold on every ``used`` answer combination, on no
    ``unused`` one, and never two at once: one question if it can, else one per question, earliest first."""
    for q in routing:
        vals = {a.get(q.key) for a in used}
        if None not in vals and all(a.get(q.key) not in vals for a in unused):
            return [(q.key, vals)]
    conds, left = [], list(used)
    for q in routing:
        pure = {a.get(q.key) for a in left} - {None} - {a.get(q.key) for a in unused}
        if pure:
            conds.append((q.key, pure))
            left = [a for a in left if a.get(q.key) not in pure]
    if left:
        return None
    for a in used:  # the copies must exclude one another
        if sum(1 for k, vals in conds if a.get(k) in vals) != 1:
            return None
    return conds


def _family_of(route: Route, leaves) -> str:
    for f, v, code, *_ in leaves:
        if code is not None and code.code == route.code:
            return f
    raise KeyError(route.code)


def _when(d: dict) -> tuple:
    return tuple((k, tuple(v)) for k, v in d.items())


def _replace_q(q: Question, **kw) -> Question:
    from dataclasses import replace

    return replace(q, **kw)


def _replace_r(r: Route, **kw) -> Route:
    from dataclasses import replace

    return replace(r, **kw)


def _replace_fill(f: FieldFill, **kw) -> FieldFill:
    from dataclasses import replace

    return replace(f, **kw)


def _replace_c(c: PublicCategory, **kw) -> PublicCategory:
    from dataclasses import replace

    return replace(c, **kw)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="taxonomy", type=Path)
    ap.add_argument("--seed", default=311, type=int)
    args = ap.parse_args(argv)
    cats = build(sample_catalogue(seed=args.seed))
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".taxonomy-", dir=out.parent))
    try:
        for c in cats:
            write_category(c, tmp / f"{c.id}.yaml")
        for old in out.glob("*.yaml"):
            if not (tmp / old.name).exists():
                old.unlink()
        for new in sorted(tmp.glob("*.yaml")):
            os.replace(new, out / new.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n_codes = sum(1 for c in sample_catalogue(seed=args.seed) if c.active)
    print(f"wrote {len(cats)} categories for {n_codes} active codes to {out} "
          f"({n_codes / len(cats):.1f} codes per category)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
