"""Invented-but-believable text for the deterministic demo-data generator.

Names are combined at random and progress-note narratives are assembled from slot-filled templates,
so no real person or case is described. All randomness comes from the ``random.Random`` passed in,
so the same seed always yields the same text.
"""
import random

FIRST_NAMES_CHILD: tuple[str, ...] = (
    "Amara", "Mateo", "Zainab", "Elijah", "Sofia", "Kofi", "Aaliyah", "Dmitri", "Lucia", "Mei", "Tariq",
    "Nia", "Santiago", "Priya", "Malik", "Esperanza", "Oluwaseun", "Hana", "Declan", "Imani", "Yusuf",
    "Camila", "Darnell", "Anaya", "Rafael", "Keisha", "Bao", "Fatima", "Ezekiel", "Leilani", "Omar",
    "Ximena", "Kwame", "Isabella", "Tomas", "Ayesha", "Jamal", "Valentina", "Kenji", "Destiny", "Aryan",
    "Makayla", "Nikolai", "Zuri", "Marisol", "Emeka",
)
FIRST_NAMES_ADULT: tuple[str, ...] = (
    "Denise", "Marcus", "Yolanda", "Hector", "Grace", "Abdul", "Rosa", "Terrence", "Lakshmi", "Winston",
    "Carmen", "Ifeoma", "Raymond", "Svetlana", "Luis", "Tamika", "Ahmed", "Bernadette", "Jorge", "Latoya",
    "Wei", "Patricia", "Desmond", "Guadalupe", "Samuel", "Khadija", "Vincent", "Maribel", "Andre", "Nkechi",
    "Francisco", "Shauna", "Roberto", "Esther", "Kareem", "Monique", "Thanh", "Gloria", "Dwayne", "Adaeze",
)
FAMILY_NAMES: tuple[str, ...] = (
    "Okafor", "Delgado", "Whitfield", "Ramdial", "Castellanos", "Abernathy", "Osei", "Villanueva",
    "Kowalczyk", "Hargrove", "Thibodeaux", "Farouk", "Lindqvist", "Mensah", "Quinones", "Baptiste",
    "Oyelaran", "Santangelo", "Pemberton", "Haddad", "Marchetti", "Salazar", "Dubois", "Okonjo", "Tran",
    "Bellamy", "Acevedo", "Nakamura", "Fitzgerald", "Adeyemi", "Rosario", "Cheng", "Mahmoud", "Greenlee",
    "Estrada", "Petrenko", "Jean-Louis", "Alvarado", "Boateng", "McKinnon", "Suarez", "Iqbal", "Winslow",
    "Obi", "Caldwell", "Pham", "Herrera", "Dlamini", "Rutledge", "Mercado", "Karimi", "Holbrook", "Agyeman",
    "Fontaine", "Sandoval", "Kaur", "Lockhart", "Vasquez", "Nwosu", "Carrington",
)
STAFF_NAMES: tuple[str, ...] = (
    "Renata Holloway", "Curtis Abara", "Noelle Strand", "Bashir Quarles", "Ingrid Mwangi", "Theo Valdivia",
    "Yvette Crane", "Orlando Fenwick", "Sunita Rao", "Gideon Achterberg", "Paloma Ruiz-Tate",
    "Hakeem Langford", "Colette Brennan", "Rustam Ahmadi", "Lorna Ellison", "Felix Ocampo", "Ebony Calloway",
    "Tanisha Merriweather", "Anatoly Gruber", "Beatriz Solano", "Quentin Ashby", "Magnus Ferreira",
    "Juniper Oakes", "Reggie Thornton", "Zofia Lewandowski", "Darius Kwarteng", "Mirela Popescu",
    "Stanley Yoon", "Odessa Marlowe", "Ignacio Barrientos",
)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_TABLES: dict[str, tuple[str, ...]] = {
    "day": DAYS, "staff": STAFF_NAMES, "room": ("living room", "kitchen", "bedroom", "dining area"),
    "time": ("9:30 a.m.", "10:00 a.m.", "11:15 a.m.", "1:00 p.m.", "2:30 p.m.", "3:45 p.m.", "4:30 p.m.",
             "5:15 p.m.", "6:00 p.m."),
    "subject": ("math", "reading", "science", "social studies", "English", "art", "gym", "music"),
    "appt": ("dental appointment", "pediatric checkup", "eye exam", "allergy follow-up", "hearing screening",
             "asthma follow-up", "well-child visit", "immunization appointment"),
    "service": ("parenting classes", "outpatient therapy", "anger management", "family therapy",
                "substance use counseling", "domestic violence counseling", "play therapy",
                "after-school tutoring", "youth mentoring", "early intervention services"),
    "food": ("rice and beans", "baked chicken", "pasta", "fresh fruit", "cereal and milk", "vegetable soup",
             "sandwiches", "plantains", "yogurt", "grilled cheese"),
    "activity": ("watching cartoons", "doing homework", "playing with building blocks", "coloring",
                 "reading a chapter book", "playing a video game", "drawing"),
    "toy": ("picture books", "stuffed animals", "puzzles", "toy cars", "art supplies"),
    "clothing": ("a sweatshirt and jeans", "a school uniform", "a t-shirt and shorts", "pajamas and slippers",
                 "a warm jacket and sneakers"),
    "need": ("a clothing allowance", "a transit card", "a new car seat", "school uniforms", "a bed rail",
             "winter coats", "a replacement birth certificate"),
    "behavior": ("sleeping through the night", "doing homework after dinner without reminders",
                 "having some tantrums at bedtime", "more talkative at meals", "helping with chores",
                 "asking about the birth parent more often"),
    "feeling": ("frustration at school", "worries about the family", "transitions after visits", "bedtime worries"),
    "game": ("tag", "a card game", "board games", "catch in the yard", "with building blocks"),
    "item": ("favorite blanket", "school backpack", "asthma inhaler", "birth certificate", "Medicaid card"),
    "task": ("complete the outstanding progress notes", "obtain updated medical records",
             "update the safety assessment", "schedule the next family team conference",
             "request school records", "follow up on the pending referrals"),
    "together": ("played a board game", "read picture books together", "worked on a puzzle",
                 "colored and talked about school", "shared a meal"),
    "sleep": ("each child has a separate bed in a shared room", "the children sleep in bunk beds",
              "the child has a private bedroom near the caregiver's room"),
    "mins": ("fifteen", "twenty", "twenty-five", "thirty", "forty"), "weeks": ("two", "three", "four", "six"),
    "count": ("two", "three", "four", "five"), "arrival": ("on time", "ten minutes early", "a few minutes late"),
}

# Templates starting with "@" describe things seen in person, so they are skipped for remote contacts.
OPENINGS: dict[str, tuple[str, ...]] = {
    "f2f": ("{cw} conducted {a_ct} at {place} with {present} present.",
            "{cw} met with {present} at {place} for {a_ct}.",
            "{cw} arrived at {place} at {time} for {a_ct} and was met by {greeter}.",
            "{a_ct} took place at {place} on {day}; present were {present}."),
    "phone": ("{cw} spoke with {talkto} by telephone for {a_ct}.",
              "{cw} placed a call to {talkto} at {time}; the call lasted about {mins} minutes.",
              "{talkto} returned {cw}'s call at {time}, and {a_ct} was completed by telephone."),
    "video": ("{cw} held a video call with {present} for {a_ct}.",
              "{a_ct} was completed by video call at {time} with {present} on camera.",
              "{cw} connected with {present} by video; the call lasted about {mins} minutes."),
    "email": ("{cw} exchanged text messages with {talkto} on {day} for {a_ct}.",
              "{cw} emailed {talkto} on {day} and received a reply the same afternoon.",
              "{talkto} responded by email to {cw}'s request for an update."),
    "letter": ("{cw} mailed a letter to {talkto} on {day} regarding {a_ct}.",
               "A written notice was sent to {talkto} at the address on file on {day}."),
    "supervisory": ("{cw} met with supervisor {staff} for a supervisory conference.",
                    "Supervisory conference was held with {staff} on {day}.",
                    "{cw} and supervisor {staff} reviewed the case together for about {mins} minutes."),
}
LETTER_BODY = (
    "The letter confirmed the next visit on {day} at {time} and listed {cw}'s office telephone number.",
    "The letter reminded {talkto} of the upcoming {appt} for {child} and asked for confirmation.",
    "The letter included the current visiting schedule and the date of the next service plan review.",
    "{talkto} was asked to contact the agency by {day} to schedule {service}.",
    "The letter requested that {talkto} provide updated contact information and a current address.",
    "Enclosed were releases of information for {child}'s {appt} and the school, to be signed and returned.",
)
HOME = (
    "@The home was observed to be clean and organized, with working smoke and carbon monoxide detectors.",
    "@{child}'s bedroom was observed; {child} has a bed with clean linens, a dresser and a shelf of {toy}.",
    "@The kitchen was stocked with food, including {food} and {food2}, and the refrigerator was working.",
    "@Dishes were in the sink and laundry was folded on the couch; no safety hazards were observed.",
    "@{cw} observed that window guards were in place and medications were stored on a high shelf.",
    "@Sleeping arrangements were reviewed: {sleep}.",
    "@The apartment was warm, and heat and hot water were working at the time of the visit.",
)
CHILD = (
    "@{child} was observed {activity} in the {room} when {cw} arrived.",
    "@{child} appeared clean and appropriately dressed for the weather, wearing {clothing}.",
    "@{child} made eye contact, answered questions in full sentences and smiled when talking about {subject}.",
    "@No marks or bruises were observed on {child}'s face, arms or legs.",
    "@{child} was initially quiet and sat close to {adult}, then joined the conversation after a few minutes.",
    "@{child} showed {cw} a drawing made at school and a worksheet from {subject} class.",
    "@{cw} met with {child} privately in the {room} for about {mins} minutes.",
    "{child} stated that things are going okay at home and that there is enough food in the house.",
    "When asked about school, {child} reported getting along with classmates and having trouble with {subject}.",
    "{child} reported sleeping well and eating {food} for dinner the night before.",
    "{child} asked when the next family visit would take place; {cw} explained that visits continue on {day}s.",
    "{child} stated that the best part of the week was {activity} with {adult}.",
)
CAREGIVER = (
    "{adult} stated that {child} has been {behavior} since the last contact.",
    "{adult} reported that {child} had {a_appt} on {day} and that a follow-up is scheduled in {weeks} weeks.",
    "{adult} reported no new health concerns for {child}.",
    "{adult} requested assistance with {need}; {cw} agreed to submit the request.",
    "{adult} stated that {child} is attending {service} on {day} afternoons.",
    "{adult} reported that {child} has attended school daily and brought home a positive note about {subject}.",
    "{adult} and {cw} reviewed the household routine, including homework time, meals and bedtime.",
    "{adult} stated that the household is managing but that transportation to {appt}s has been difficult.",
)
SCHOOL = (
    "@{cw} observed {child} in {subject} class; {child} was seated near the front and raised a hand.",
    "@{child} was called to the counselor's office and met with {cw} for a brief check-in.",
    "{other} reported that {child} has missed {count} school days this marking period.",
    "{child}'s {subject} teacher reported that {child} completes classwork but often does not turn in homework.",
    "{other} stated that {child} gets along with peers and usually eats lunch with the same group of friends.",
    "{child}'s IEP review is scheduled for next {day}, and {cw} confirmed that {adult} plans to attend.",
    "{other} reported that {child} left the classroom without permission last week and returned after ten minutes.",
    "Report card grades were reviewed with {other}; {child} is passing {subject} and needs support in {subject2}.",
    "{other} stated that {child} receives tutoring after school on {day}s.",
)
COURT = (
    "The matter was called at {time}; present were {present}.",
    "The case was adjourned to {date} for a permanency hearing.",
    "The attorney for the child reported that {child} wishes to continue visits with family.",
    "The court ordered that visits continue as scheduled and that the agency submit an updated progress report.",
    "{adult} appeared with counsel and reported completing {count} sessions of {service}.",
    "{cw} provided the court with an update on {child}'s school attendance and medical care.",
    "The court directed the agency to make a referral for {service} within thirty days.",
)
COLLATERAL = (
    "{cw} spoke with {other} regarding {child}'s progress.",
    "{other} reported that {child} attends {service} weekly and has missed {count} sessions in two months.",
    "{other} stated that {child} is working on coping skills for {feeling}.",
    "{other} requested updated consent forms, which {cw} will send by {day}.",
    "{other} reported that {adult} has been attending {service} and participating in group discussions.",
    "{other} stated that the next appointment is on {day} at {time}.",
    "{other} asked to be notified of any change in placement or in the visiting schedule.",
)
SIBLING = (
    "@The siblings played {game} together and took turns choosing the next activity.",
    "@{child} and {child2} shared {food} brought by {adult}.",
    "@{child} helped {child2} with a puzzle, and the two were observed laughing together.",
    "@At the end of the visit {child2} became tearful; {adult} and {cw} reassured the children.",
    "@{child} greeted {child2} at the door with a hug and showed a new backpack.",
    "The siblings asked to call each other between visits; {cw} will arrange a weekly phone call.",
) + CHILD[-2:]
CONFERENCE = (
    "The conference was attended by {present} and facilitated by {staff}.",
    "The reason for the removal and the current safety concerns were reviewed with the family.",
    "{adult} was informed of the right to an attorney and of the next court date.",
    "Possible kinship resources were discussed, and {adult} identified a maternal aunt and a family friend.",
    "A visiting plan was agreed upon: visits will take place on {day}s at the agency starting at {time}.",
    "{adult} agreed to a referral for {service} and signed releases of information.",
    "{child}'s medical needs were discussed, and {adult} will bring {child}'s {item} to the next visit.",
)
SUPERVISORY = (
    "Recent contacts, the safety assessment and the service plan were reviewed.",
    "Supervisor directed {cw} to {task} by {day}.",
    "The status of {child}'s {appt} and school records was discussed.",
    "Visiting arrangements were reviewed and no changes were recommended at this time.",
    "The upcoming court date and the information needed for the court report were discussed.",
    "{cw} reported that {adult} is engaged in {service}; the supervisor requested confirmation from the provider.",
)
PARENT = (
    "@{adult} arrived {arrival} and greeted {child} with a hug.",
    "@{adult} brought {food} and {toy} for the visit.",
    "@{adult} and {child} {together} for most of the visit.",
    "@{adult} asked {child} about {subject} class and praised a recent test grade.",
    "@{adult} redirected {child} calmly when {child} became upset that the visit was ending.",
    "@{child} separated from {adult} with some sadness and was comforted by {cw}.",
    "{cw} reviewed the service plan with {adult}, including {service} and {service2}.",
    "{adult} reported being on a waitlist for {service} and was given two alternate providers.",
    "{adult} stated that housing remains a concern; {cw} provided information about a housing workshop.",
    "{adult} provided a certificate of attendance from {service}.",
    "{adult} reported starting a new job with evening shifts and asked to move visits to {day}.",
    "{adult} asked about moving to unsupervised visits; {cw} explained the steps in the service plan.",
)
NEXT = (
    "{cw} will follow up with {adult} on {day} to confirm the {appt}.",
    "The next home visit is scheduled for {day} at {time}.",
    "{cw} will contact {other} by the end of the week.",
    "{cw} will request updated records from {other}.",
    "{cw} reminded {adult} of the next visit date and provided the agency's after-hours number.",
    "No immediate safety concerns were identified during this contact.",
    "{cw} will submit the referral for {service} and update the service plan.",
)
CAT_NEXT = {
    "court": ("The next court date is {date}; {cw} will submit the progress report in advance.",),
    "school": ("{cw} will request an attendance printout from {other} at the end of the month.",),
    "supervisory": ("The next supervisory conference is scheduled for {date}.",),
    "collateral": ("{cw} will send the signed releases to {other} by {day}.",),
}
ATTEMPT_OPEN = {
    "f2f": ("{cw} attempted {a_ct} at {place} on {day} at {time}.",
            "{cw} went to {place} at {time} for a scheduled {ct}.",
            "{cw} arrived at {place} on {day} for an unannounced {ct}."),
    "remote": ("{cw} called {talkto} at {time} for a scheduled {ct}.",
               "{cw} attempted to reach {talkto} on {day} for {a_ct}."),
}
ATTEMPT_REASON = {
    "f2f": ("There was no answer at the door after knocking several times. A neighbor stated that the family "
            "had gone out earlier in the day.",
            "There was no answer at the door and the lights were off; {cw} called {adult} from the lobby, and the "
            "call went to voicemail.",
            "{adult} called shortly before the visit and cancelled due to a change in work schedule.",
            "{adult} answered the door and reported that {child} was still at {a_appt} that ran late.",
            "{child} was on a school trip and was not expected back until after {time}, as confirmed by {adult}.",
            "{adult} reported that {child} was home with a fever and asked to reschedule so {child} could rest."),
    "remote": ("The call went to voicemail and the mailbox was full.",
               "The number rang several times without an answer, and no voicemail option was available.",
               "{adult} answered briefly, stated being at work, and asked {cw} to call back after {time}.",
               "{adult} sent a text message shortly before the call stating that {child} had {a_appt}.",
               "The call connected and then disconnected; a second call a few minutes later went unanswered."),
}
ATTEMPT_ACTION = (
    "@{cw} left a business card in the door with a request to call.", "{cw} left a voicemail requesting a call back.",
    "{cw} sent a text message to {adult} with two proposed dates.",
    "A letter was mailed to the home with {cw}'s contact information.",
)
# The first two are alternative plans (pick one); the rest can be added to either.
ATTEMPT_FOLLOW = (
    "{cw} will attempt the contact again on {day}.",
    "The contact was rescheduled for {day} at {time}; {cw} will confirm the time with {adult} by text.",
    "If no contact is made by {day}, {cw} will inform the supervisor and attempt an unannounced visit.",
    "{cw} will contact {other} to confirm {child}'s whereabouts and well-being.",
)
# First match wins, so "Birth Parent/Child" is caught before the plain "parent" and "child" keys.
_CATEGORY_KEYS = (
    ("school", SCHOOL), ("court", COURT), ("collateral", COLLATERAL), ("sibling", SIBLING),
    ("supervis", SUPERVISORY), ("72", CONFERENCE), ("conference", CONFERENCE), ("birth parent", PARENT),
    ("parent/child", PARENT), ("parent", PARENT[6:] + CAREGIVER), ("home", HOME + CHILD + CAREGIVER),
    ("kinship", HOME + CHILD + CAREGIVER), ("child", CHILD + HOME[:3] + CAREGIVER),
)
_MODES = (("video", "video"), ("email", "email"), ("text", "email"), ("written", "letter"),
          ("letter", "letter"), ("tele", "phone"), ("phone", "phone"))
RETURN_ASKS = (
    "add who was present at the start of the visit", "describe the sleeping arrangements you observed",
    "include the times the visit began and ended", "clarify whether the child was seen alone",
    "state the source of the information about the medical appointment",
    "remove the opinion in the second paragraph and describe only what was observed",
    "correct the spelling of the foster parent's name", "add the follow-up plan and the date of the next contact",
    "indicate whether a safety assessment was completed", "document school attendance as reported by the school",
    "spell out the abbreviations used", "change the contact type to match the method used",
    "describe the child's mood in terms of observed behavior", "note which rooms of the home were observed",
    "add what was discussed with the caregiver about the visiting schedule",
)
RETURN_LEADS = ("", "", "Thank you for the note. ", "A few items are missing. ", "Almost complete. ")
ADDENDUM_FIX = (
    "the foster mother's name was misspelled and should read Ms. {family}",
    "{kid} was also present for the final part of the visit",
    "the visit began at {time}, not {time2} as originally entered",
    "the contact method was recorded incorrectly and should be telephone, not face to face",
    "the location of the visit was the agency office, not the home",
    "the date of the next court appearance was entered incorrectly and is {date}",
)
ADDENDUM_MORE = (
    "{kid}'s bedroom was also observed and had a bed, a dresser and adequate lighting.",
    "The school nurse confirmed by telephone the following day that {kid}'s immunizations are current.",
    "Caseworker also reviewed the visiting schedule with Ms. {family}, who agreed to the {day} time.",
    "The information about the {appt} was provided by the caregiver and has since been confirmed with the provider.",
    "{kid} was also seen alone for about {mins} minutes and reported no concerns.",
)
ADDENDUM_CLOSE = ("The remainder of the original note is accurate.", "No other changes were made to the note.",
                  "This addendum was entered at the supervisor's request.")


class _Slots(dict[str, str]):
    """Template values; unknown slots are drawn lazily so a sentence only consumes draws it uses."""

    rng: random.Random

    def __missing__(self, key: str) -> str:
        if key == "date":
            value = f"{self.rng.choice(MONTHS)} {self.rng.randint(2, 28)}"
        elif key.startswith("a_"):
            value = ("an " if self[key[2:]][:1].lower() in "aeiou" else "a ") + self[key[2:]]
        elif key.endswith("2") and key[:-1] in _TABLES:
            value = self.rng.choice([v for v in _TABLES[key[:-1]] if v != self[key[:-1]]])
        else:
            value = self.rng.choice(_TABLES[key])
        self[key] = value
        return value


def _fill(template: str, slots: _Slots) -> str:
    text = template.lstrip("@").format_map(slots)
    # Times end in "a.m."/"p.m.", so a sentence ending on one would otherwise get a second period.
    return (text[:1].upper() + text[1:]).replace("..", ".")


def _noun(text: str) -> str:
    """'School nurse' -> 'the school nurse'; names, titles and proper nouns are left as they are."""
    words = text.split("(")[0].split()
    if not words or words[0].lower() in ("the", "a", "an", "dr.", "ms.", "mr.", "mrs.", "mx."):
        return " ".join(words)
    if any(w[:1].isupper() for w in words[1:]) and not words[0].isupper():
        return " ".join(words)
    if words[0][1:2].islower():
        words[0] = words[0].lower()
    return "the " + " ".join(words)


def narrative(rng: random.Random, *, contact_type: str, method: str, location: str,
              children: list[str], adults: list[str], others: list[str], attempted: bool = False) -> str:
    ctype, meth = contact_type.lower(), method.lower()
    attempted = attempted or meth.startswith("attempted") or ctype.startswith("attempted")
    mode = next((m for key, m in _MODES if key in meth), "f2f")
    full = next((p for key, p in _CATEGORY_KEYS if key in ctype), HOME + CHILD + CAREGIVER)
    others = [o for o in map(_noun, others) if o]
    ct = contact_type.split("(")[0].strip().lower().removeprefix("attempted").strip() or "contact"
    if not ct.endswith(("contact", "visit", "conference", "appearance")):
        ct += " contact"
    people = [*children, *adults, *others]
    prefer = [*others, *adults] if full in (SCHOOL, COLLATERAL, COURT) else [*adults, *others]
    present = ", ".join(people[:-1]) + " and " + people[-1] if len(people) > 1 else "".join(people)
    place = _noun(location) if location.strip().lower() not in ("", "other", "n/a") else ""
    base = {"cw": rng.choice(("caseworker", "this writer", "caseworker", "the assigned caseworker")),
            "ct": ct, "a_ct": ("an " if ct[0] in "aeiou" else "a ") + ct, "present": present or "the family",
            "place": place or "the scheduled location", "greeter": (people or ["the caregiver"])[0],
            "talkto": (prefer or children or ["the caregiver"])[0]}

    def usable(templates: tuple[str, ...]) -> tuple[str, ...]:
        return templates if mode == "f2f" else tuple(t for t in templates if not t.startswith("@"))

    def pick(templates: tuple[str, ...], k: int) -> list[str]:
        out = []
        for template in rng.sample(templates, min(k, len(templates))):
            child = rng.choice(children) if children else "the child"
            rest = [c for c in children if c != child]
            slots = _Slots(base, child=child, child2=rng.choice(rest) if rest else "the sibling",
                           adult=rng.choice(adults) if adults else "the caregiver",
                           other=rng.choice(others) if others else "the school social worker")
            slots.rng = rng
            out.append(_fill(template, slots))
        return out

    side = "f2f" if mode == "f2f" else "remote"
    if attempted:
        parts = pick(ATTEMPT_OPEN[side], 1) + pick(ATTEMPT_REASON[side], 1)
        parts += pick(usable(ATTEMPT_ACTION), rng.randint(1, 2)) + pick(ATTEMPT_FOLLOW[:2], 1)
        parts += pick(ATTEMPT_FOLLOW[2:], rng.randint(0, 1))
    elif mode == "letter":
        parts = pick(OPENINGS["letter"], 1) + pick(LETTER_BODY, rng.randint(2, 4)) + pick(NEXT, 1)
    else:
        parts = pick(OPENINGS["supervisory" if full is SUPERVISORY else mode], 1)
        cat_next = next((v for k, v in CAT_NEXT.items() if k in ctype), ())
        parts += pick(usable(full), rng.randint(2, 5)) + pick(NEXT + cat_next, rng.randint(1, 2))
    if len(parts) >= 5 and rng.random() < 0.4:
        cut = rng.randint(2, len(parts) - 2)
        return " ".join(parts[:cut]) + "\n\n" + " ".join(parts[cut:])
    return " ".join(parts)


def return_comment(rng: random.Random) -> str:
    asks = rng.sample(RETURN_ASKS, rng.randint(1, 2))
    body = asks[0] if len(asks) == 1 else asks[0] + rng.choice((" and ", ". Also ")) + asks[1]
    return f"{rng.choice(RETURN_LEADS)}Please {body}."


def addendum_narrative(rng: random.Random, *, original_event: str) -> str:
    slots = _Slots(family=rng.choice(FAMILY_NAMES), kid=rng.choice(FIRST_NAMES_CHILD))
    slots.rng = rng
    fix = rng.choice(ADDENDUM_FIX).format_map(slots)
    lead = rng.choice((f"Addendum to the note of {original_event}: {fix}.",
                       f"This addendum corrects the note of {original_event}; {fix}.",
                       f"Late entry for the contact of {original_event}: {fix}."))
    parts = [lead, _fill(rng.choice(ADDENDUM_MORE), slots)]
    if rng.random() < 0.6:
        parts.append(rng.choice(ADDENDUM_CLOSE))
    return " ".join(parts)
