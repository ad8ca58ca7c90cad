"""What the demo's approved case plans say, section by section (keys of ``store/rules/plan_sections.py``):
short, believable and invented. ``{child}``, ``{family}`` and ``{mother}`` are filled in for each family."""

from __future__ import annotations

FAMILY_PLAN: dict[str, str] = {
    "reasons_for_involvement": "The {family} family came to the agency after a report that the children were left "
                               "without supervision overnight; the investigation found the home unsafe at the time.",
    "family_strengths": "{mother} keeps every appointment and the children are attached to her. A maternal aunt "
                        "lives nearby and helps with school pick-ups.",
    "parent_needs": "{mother} needs stable housing, help with budgeting and treatment for depression.",
    "safety": "No child is left alone at night. The aunt is the named back-up carer; the safety plan was signed by "
              "{mother} and the aunt.",
    "family_goals": "Within six months {mother} keeps a safe home of her own and a weekly routine the children can "
                    "rely on.",
    "services": "Outpatient counselling weekly (community clinic); parenting class on Tuesdays; housing "
                "specialist referral made by the Case Planner.",
    "visiting_plan": "Supervised visits twice a week at the agency, moving to unsupervised day visits once the "
                     "counsellor reports progress.",
    "children_permanency": "Reunification with {mother} is the goal for every child; the concurrent goal is "
                           "guardianship with the aunt.",
    "participation": "{mother} and the older children took part in the planning conference and agreed the goals.",
    "progress": "First plan for this family.",
    "closing_criteria": "The children return home when the housing is secured and the counsellor confirms "
                        "{mother} follows the safety plan for eight weeks.",
}

CHILD_PLAN: dict[str, str] = {
    "diagnosis": "{child} is anxious at night and behind in reading; assessed by the school psychologist.",
    "treatment_and_placement": "Weekly play therapy; placed with a foster family near the school of origin.",
    "permanency_goal": "Reunification with {mother}; concurrent goal: guardianship with the maternal aunt.",
    "placement_reasons": "{child} was found alone at home overnight twice in one month.",
    "child_description": "{child} is curious, loves drawing and football, and speaks English and Spanish.",
    "emotional_behavioural": "Some trouble sleeping, improving; no medication.",
    "education": "Attends the school of origin (1.5 miles from the foster home); reading support twice a week.",
    "social_supports": "Two close friends from school and the aunt, who visits on Sundays.",
    "current_placement": "Foster home with two carers and no other children; a stable, calm household.",
    "visits_and_contact": "Visits with {mother} twice a week and with siblings every weekend, to keep the family "
                          "bond while the home is made safe.",
    "physical_health": "Check-up, dental and vision up to date; immunisations complete; no medication.",
    "permanency_resources": "The maternal aunt has been assessed and is willing to be a resource.",
    "life_skills": "Learning to cook simple meals and to use the bus alone.",
    "education_vocational": "Vocational assessment booked; interested in a technical high school.",
    "career_inventory": "Career-interest inventory taken at school this term: hands-on and outdoor work.",
    "sexual_orientation": "Nothing shared; support offered.",
    "cultural_awareness": "Attends the family's church and the community centre's heritage club.",
    "adult_services": "No referral expected.",
    "medical_coverage": "Medicaid, continuing in care.",
    "housing": "Not yet: too early to plan.",
    "finances": "Opened a youth savings account; learning a weekly budget.",
    "parenting": "Not applicable.",
    "essential_documents": "Birth certificate and social security card held by the agency; passport started.",
    "workforce_supports": "Summer youth employment programme application in spring.",
}
