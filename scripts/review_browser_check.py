#!/usr/bin/env python3
"""Drives the `prefab review` page in headless Chromium (Selenium with Debian's chromedriver at
/usr/bin/chromedriver, so nothing is downloaded) and checks, against a generated run with hostile
answers first in the queue:

- the queue opens; ten items are labelled, five with the keyboard and five with the mouse;
- each label is in RUN/review.sqlite at once, and a reload shows them kept; u undoes;
- two reviewers at once (two browsers, their own names) label the same items, and their
  disagreement is listed as a conflict (API and page);
- <script>, <img onerror>, a 1 MB answer, right-to-left text and markdown with HTML in code stay
  inert: no alert, no injected element, no script ran (window.__pwned stays undefined);
- a server bound to 0.0.0.0 answers 401 without its token and 200 with it;
- `prefab pairs` then takes the reviewers' verdicts (label_source human, human_tie drops).

    review_browser_check.py --prefab BIN [--screenshots DIR]

Exit status 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def start_review(prefab, run, *arguments):
    process = subprocess.Popen([prefab, "review", run, "--port", "0", *arguments],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise SystemExit("prefab review did not print its URL: " + url + process.stderr.read())
    return process, url


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def ready(driver):
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def no_alert(driver):
    try:
        driver.switch_to.alert
        return False
    except NoAlertPresentException:
        return True


def current_item(driver):
    return driver.execute_script("return document.getElementById('item-view').hidden ? null : "
                                 "(document.getElementById('item-position').textContent.split(' · ')[1] || null)")


def wait_item_change(driver, before):
    WebDriverWait(driver, 10).until(lambda d: current_item(d) not in (None, before))
    return current_item(driver)


def press(driver, key):
    driver.find_element(By.TAG_NAME, "body").send_keys(key)


def labels(run, reviewer=None):
    with sqlite3.connect(os.path.join(run, "review.sqlite")) as db:
        query = ("SELECT prompt_id, reviewer, verdict FROM labels WHERE id IN "
                 "(SELECT MAX(id) FROM labels WHERE undone_at IS NULL GROUP BY prompt_id, reviewer)")
        rows = db.execute(query).fetchall()
    return [r for r in rows if reviewer is None or r[1] == reviewer]


def inert_checks(driver):
    """What hostile answers must never do, whatever item is shown."""
    check(no_alert(driver), "no alert is open")
    check(driver.execute_script("return window.__pwned === undefined"), "no script from the data ran")
    check(driver.execute_script("return document.querySelectorAll('#main script, #completions script, #conversation script, #votes script').length") == 0,
          "no <script> element came from the data")
    check(driver.execute_script("return document.querySelectorAll('img, iframe, object, embed, a[href]').length") == 0,
          "no img, iframe, object, embed or link element came from the data")


def hostile_item(driver, prompt_id):
    driver.execute_script("location.hash = '#/item/' + encodeURIComponent(arguments[0])", prompt_id)
    WebDriverWait(driver, 20).until(lambda d: current_item(d) == prompt_id)
    inert_checks(driver)
    return driver.execute_script("return Array.from(document.querySelectorAll('#completions .body')).map(b => b.textContent)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefab", required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="prefab-review-browser.")
    run = os.path.join(work, "run")
    subprocess.run([sys.executable, os.path.join(HERE, "review_run.py"), run, "--prefab", args.prefab, "--prompts", "40", "--hostile"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server, url = start_review(args.prefab, run, "--reviewer", "alice")
    drivers = []
    try:
        alice = browser()
        drivers.append(alice)
        alice.get(url)
        ready(alice)
        rows = alice.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
        check(len(rows) >= 10, f"the queue opens with its first page ({len(rows)} rows)")
        check(alice.execute_script("return location.search.indexOf('token') < 0"), "no token is left in the address bar")
        if args.screenshots:
            alice.save_screenshot(os.path.join(args.screenshots, "review-queue.png"))

        # Hostile answers, shown inert.
        texts = hostile_item(alice, "xss-script")
        check(any("<script>window.__pwned" in t for t in texts), "a <script> answer is shown as text")
        texts = hostile_item(alice, "xss-img")
        check(any("<img src=x onerror" in t for t in texts), "an <img onerror> answer is shown as text")
        texts = hostile_item(alice, "big-answer")
        check(any(len(t) >= 1024 * 1024 for t in texts), "a 1 MB answer is shown whole")
        texts = hostile_item(alice, "rtl")
        direction = alice.execute_script(
            "const p = Array.from(document.querySelectorAll('#completions .body p')).find(p => p.textContent.startsWith('صباح'));"
            "return p ? getComputedStyle(p).direction : null")
        check(direction == "rtl", f"right-to-left text runs right to left ({direction})")
        texts = hostile_item(alice, "markdown")
        code = alice.execute_script("const c = document.querySelector('#completions pre code'); return c ? c.textContent : null")
        check(code is not None and "<b>not bold</b>" in code, "markdown code is rendered as code, its HTML as text")
        check(alice.execute_script("return document.querySelectorAll('#completions b').length") == 0, "no <b> element came from the data")

        # Ten labels from the top of the queue: five by keyboard, five by mouse.
        alice.execute_script("location.hash = '#/queue'")
        WebDriverWait(alice, 10).until(lambda d: not d.find_element(By.ID, "queue-view").get_attribute("hidden"))
        press(alice, "\n")
        WebDriverWait(alice, 10).until(lambda d: current_item(d) is not None)
        reviewed = []
        for key in ["1", "2", "0", "x", "1"]:
            item = current_item(alice)
            reviewed.append(item)
            press(alice, key)
            wait_item_change(alice, item)
        for target in ["pick-A", "pick-B", "tie", "both-bad", "pick-B"]:
            item = current_item(alice)
            reviewed.append(item)
            if target.startswith("pick-"):
                alice.find_element(By.CSS_SELECTOR, f"button.pick[data-verdict='{target[5:]}']").click()
            else:
                alice.find_element(By.ID, target).click()
            wait_item_change(alice, item)
        inert_checks(alice)
        stored = labels(run, "alice")
        check(len(stored) == 10 and {r[0] for r in stored} == set(reviewed),
              f"ten labels by keyboard and mouse are in review.sqlite ({len(stored)})")
        verdicts = {r[0]: r[2] for r in stored}
        check([verdicts.get(p) for p in reviewed] == ["A", "B", "tie", "both_bad", "A", "A", "B", "tie", "both_bad", "B"],
              "each key and button saved its verdict")

        # A reload keeps them; undo takes the last one back.
        alice.refresh()
        ready(alice)
        alice.execute_script("location.hash = '#/queue'")
        alice.execute_script("document.getElementById('filter-status').value = 'reviewed';"
                             "document.getElementById('filter-status').dispatchEvent(new Event('change'))")
        WebDriverWait(alice, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#queue tbody tr.reviewed")) == 10)
        progress = alice.find_element(By.ID, "progress").text
        check("reviewed 10" in progress, f"after a reload the ten labels are kept ({progress})")
        press(alice, "u")
        WebDriverWait(alice, 10).until(lambda d: len(labels(run, "alice")) == 9)
        check(len(labels(run, "alice")) == 9, "u takes back the latest label")
        if args.screenshots:
            alice.execute_script("location.hash = '#/item/' + encodeURIComponent(arguments[0])", reviewed[0])
            WebDriverWait(alice, 10).until(lambda d: current_item(d) == reviewed[0])
            alice.save_screenshot(os.path.join(args.screenshots, "review-item.png"))

        # Two reviewers at once: bob opens his own browser and disagrees on alice's first item.
        bob = browser()
        drivers.append(bob)
        bob.get(url + ("&" if "?" in url else "?") + "reviewer=bob")
        ready(bob)
        first = reviewed[0]  # alice: A
        for driver, verdict in ((bob, "B"), (alice, "A")):
            driver.execute_script("location.hash = '#/item/' + encodeURIComponent(arguments[0])", first)
            WebDriverWait(driver, 10).until(lambda d: current_item(d) == first)
        bob.find_element(By.CSS_SELECTOR, "button.pick[data-verdict='B']").click()
        alice.find_element(By.CSS_SELECTOR, "button.pick[data-verdict='A']").click()
        WebDriverWait(bob, 10).until(lambda d: len(labels(run, "bob")) == 1)
        by = {(r[0], r[1]): r[2] for r in labels(run)}
        check(by.get((first, "bob")) == "B" and by.get((first, "alice")) == "A", "two reviewers label at once under their own names")
        conflicts = json.loads(urllib.request.urlopen(url.split("?")[0] + "api/conflicts").read())
        check([c["prompt_id"] for c in conflicts] == [first], f"their disagreement is listed as a conflict ({len(conflicts)})")
        bob.execute_script("location.hash = '#/queue'")
        WebDriverWait(bob, 10).until(lambda d: not d.find_element(By.ID, "queue-view").get_attribute("hidden"))
        press(bob, "c")
        WebDriverWait(bob, 10).until(lambda d: first in d.find_element(By.ID, "conflicts").text)
        check(True, "the page lists the conflict")
    finally:
        for driver in drivers:
            driver.quit()
        server.terminate()
        server.wait(timeout=10)

    # Binding every interface needs the token.
    exposed, exposed_url = start_review(args.prefab, run, "--host", "0.0.0.0")
    try:
        base = exposed_url.split("?")[0]
        token = exposed_url.split("token=")[1] if "token=" in exposed_url else None
        check(token is not None and len(token) >= 32, "a non-loopback bind prints a URL with a random token")
        for path in ("", "review.js", "api/config", "api/queue"):
            try:
                urllib.request.urlopen(base + path)
                check(False, f"/{path} without the token is refused")
            except urllib.error.HTTPError as error:
                check(error.code == 401, f"/{path} without the token gets 401 ({error.code})")
        check(urllib.request.urlopen(exposed_url).status == 200, "the printed URL with its token gets 200")
        request = urllib.request.Request(base + "api/config", headers={"Authorization": "Bearer " + (token or "")})
        check(urllib.request.urlopen(request).status == 200, "a Bearer token gets 200")
    finally:
        exposed.terminate()
        exposed.wait(timeout=10)

    # The pairs that follow take the reviewers' verdicts.
    subprocess.run([args.prefab, "pairs", "--rated", os.path.join(run, "rated"), "--out", os.path.join(work, "pairs"), "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    summary = json.load(open(os.path.join(work, "pairs", "pairs-summary.json")))
    rows = subprocess.run([args.prefab, "cat", os.path.join(work, "pairs", "train")], check=True, capture_output=True, text=True).stdout
    human = [json.loads(line) for line in rows.splitlines() if json.loads(line)["label_source"] == "human"]
    check(summary["dropped"].get("human_tie", 0) >= 1 and summary["dropped"].get("human_both_bad", 0) >= 1,
          f"prefab pairs drops the reviewers' ties and both-bads ({summary['dropped']})")
    check(len(human) >= 4, f"prefab pairs writes the reviewers' preferences as label_source human ({len(human)})")
    if not failures:
        subprocess.run(["rm", "-rf", work])
    print(f"review browser check: {'PASSED' if not failures else 'FAILED: ' + '; '.join(failures)}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
