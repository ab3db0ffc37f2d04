"""The browser harness itself: its checks fail when they should, reference data survives."""

import pytest

from portal import reference_data
from portal.models import ClassifierItem, Region
from tests.browser.helpers import assert_accessible

pytestmark = [pytest.mark.browser]


def test_accessibility_check_reports_each_violation(page):
    page.goto("/")
    page.evaluate(
        """() => {
          const main = document.getElementById('main');
          main.insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled">');
          main.insertAdjacentHTML('beforeend', '<img src="/static/portal/none.png">');
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "- label (critical)" in report
    assert "at #unlabelled" in report
    assert "- image-alt (critical)" in report


def test_inline_script_is_refused_and_reported(page, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'document.body.dataset.ran = "yes"';
          document.body.append(script);
        }"""
    )
    assert page.evaluate("() => document.body.dataset.ran") is None
    assert any("Content Security Policy" in violation for violation in csp_violations)
    csp_violations.clear()  # seen and expected: do not fail the test at teardown


@pytest.mark.parametrize("run", ["first", "second"])
def test_reference_rows_are_there_in_every_live_server_test(context, run):
    """Each live-server test ends with a flush of every table; the next one gets the rows back."""
    assert Region.objects.count() == len(reference_data.regions())
    assert ClassifierItem.objects.count() == len(reference_data.classifier_items())
    Region.objects.all().delete()
