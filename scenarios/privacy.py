"""Scenarios' answer to academy's personal-data download: a trainee's plays with every choice they made (connected
in ScenariosConfig.ready()). Deleting an account keeps the plays with the anonymised account, like lesson progress:
they hold no free text of the trainee's own, only the choices offered."""

from academy.privacy import PersonalDataPart

from .models import ScenarioPlay


def personal_data(sender, *, user, **kwargs) -> PersonalDataPart:
    plays = ScenarioPlay.objects.filter(user=user).select_related("scenario").prefetch_related("steps").order_by("pk")
    return PersonalDataPart(
        sections={
            "scenario_plays": [
                {
                    "scenario": play.scenario.title,
                    "role": play.role,
                    "started_at": play.started_at,
                    "finished_at": play.finished_at,
                    "ending": play.ending,
                    "choices": [
                        {"scene": step.scene_key, "choice": step.choice_text, "chosen_at": step.chosen_at}
                        for step in play.steps.all()
                    ],
                }
                for play in plays
            ]
        }
    )
