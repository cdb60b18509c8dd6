"""Plans and events show when they last changed, not the calendar's internal revision."""


def test_an_event_page_shows_when_it_changed_not_its_revision(client, world, login):
    event = world.make_event()
    login("leader")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "修订版本" not in page and "最后修改" in page
    client.post("/lang/en")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Revision" not in page and "Last changed" in page
