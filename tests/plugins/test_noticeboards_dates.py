"""A new board update and a new training start on today's date, as a visit does."""

from noticeboards_support import PAGES, Boards

from core import rules


def test_new_forms_start_on_today(app, client, world, login):
    boards = Boards(app, world)
    login("admin")
    today = rules.today().isoformat()  # the local date: not UTC's after 16:00 UTC
    update = client.get(f"{PAGES}/boards/{boards.board.id}/updates/new").get_data(as_text=True)
    assert f'value="{today}"' in update and f'max="{today}"' in update
    training = client.get(f"{PAGES}/trainings/new").get_data(as_text=True)
    assert f'value="{today}"' in training
