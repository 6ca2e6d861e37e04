"""The home page on a phone: Spanish first, switch to English, stay on the same page."""
import pytest

pytestmark = pytest.mark.browser


def test_home_in_spanish_then_english_on_the_same_page(live_server, phone):
    phone.goto(live_server + "/?utm=1")
    assert phone.locator("html").get_attribute("lang") == "es-PE"
    assert phone.locator("h1").inner_text() == "¿Qué tan digital es su negocio?"
    # Usable at 360 px: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name="English").click()
    phone.wait_for_load_state()
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator("h1").inner_text() == "How digital is your business?"
    assert phone.url.startswith(live_server + "/?utm=1")

    # The choice is remembered for the next page without ?lang=.
    phone.goto(live_server + "/no-such-page")
    assert "Page not found" in phone.locator("h1").inner_text()
    assert phone.console_errors == [e for e in phone.console_errors if "404" in e]


def test_skip_link_is_the_first_focus_stop(live_server, phone):
    phone.goto(live_server + "/")
    phone.keyboard.press("Tab")
    focused = phone.evaluate("document.activeElement.className")
    assert focused == "skip-link"
