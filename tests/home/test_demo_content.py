"""The home demo content lives in data files (home/demo_content/*.yaml, issue 16): venues, pictures, news and
events, as they were written in home/demo.py before, and every name one file gives another is there."""

from academy.demo_files import demo_content
from home import demo
from home.choices import EventCategory


def test_venues_news_and_events_as_written_before():
    venues = demo_content(demo.__file__, "venues")
    assert [venue["name"] for venue in venues] == [
        "和畔里·三方协同中心",
        "钱学森故居·侨胞之家",
        "丰享家文化驿站",
        "萧山区城厢街道邻里中心",
    ]
    assert [venue.get("opening_hours", "") for venue in venues][1] == "周二至周日 9:00–16:30，周一闭馆"
    news = demo_content(demo.__file__, "news")
    assert [(item["title"], item["days_ago"]) for item in news][0] == ("三方学院2026年春季班开班", 40)
    assert news[0]["tags"] == ["开班", "培训"]
    assert len(news) == 6
    events = demo_content(demo.__file__, "events")
    assert len(events) == 10
    assert events[3] == {
        "title": "学院开放日",
        "category": "academy",
        "venue": "和畔里·三方协同中心",
        "days_from_today": -20,
        "start_hour": 9,
        "hours": 4,
        "organiser": "三方学院",
        "capacity": 80,
        "introduction": "参观培训基地，体验线上课程。",
    }
    names = {venue["name"] for venue in venues}
    for event in events:
        assert event["venue"] in names, event["title"]
        assert event["category"] in EventCategory.values, event["title"]


def test_a_picture_for_each_page_and_event_category():
    images = demo.demo_images()
    assert set(images) == {"hero", "about", "news", *EventCategory.values}
    assert images["hero"]["top"] == [185, 28, 28]
    assert images["hero"]["alt"] == "红色横幅：居委会、业委会、物业三方围坐一桌协商的插画"
