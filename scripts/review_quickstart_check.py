#!/usr/bin/env python3
"""Issue #19's "done means", checked on the quickstart's own run: a person reviews the ten most
uncertain prompts in the browser, and `prefab pairs` and `prefab eval-judges --human` then
reflect those labels.

    review_quickstart_check.py --prefab BIN --run RUN_DIR

RUN_DIR is the quickstart's output (runs/quickstart, written by `prefab run
configs/quickstart.yaml` with the local model). It is copied to a scratch directory first, so
the check leaves the user's run as it was. In headless Chromium (Selenium, Debian's
chromedriver) the reviewer opens the queue, presses Enter on its first row and labels the ten
items the queue lists first, in order, the way docs/review.md tells a person to:

- items 1-6: the answer the judges did NOT choose (1-3 by keyboard, 4-6 by mouse), so each one
  overturns the judges; on items 1 and 4 the reviewer also rates helpfulness (5 for the answer
  picked, 1 for the other);
- items 7-8: tie (key 0, then the button); items 9-10: both bad (key x, then the button).

Then it checks review.sqlite (ten labels, the verdicts pressed), `prefab pairs` with the
quickstart's pairing settings (ten decided by reviewers; the six preferences' rows say
label_source human and have the picked answer as chosen, where the run's own pairs had the
judges' choice; the ties and both-bads have no rows; every other row says judges),
`prefab eval-judges --human` (ten reviewed items, the six overturned ones listed, the
helpfulness ratings compared) and `prefab review --export` (six gold pairs).

Exit status 0 when every check passes, 1 otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

import review_browser_check as page

REVIEWER = "quickstart-check"


def rows(prefab, directory):
    """Every pair row under directory (train/ and test/), by prompt id."""
    by_prompt = {}
    for split in ("train", "test"):
        path = os.path.join(directory, split)
        if not os.path.isdir(path):
            continue
        text = subprocess.run([prefab, "cat", path], check=True, capture_output=True, text=True).stdout
        for line in text.splitlines():
            row = json.loads(line)
            by_prompt.setdefault(row["prompt_id"], []).append(row)
    return by_prompt


def last(messages):
    return messages[-1]["content"]


def rate(driver, letter, aspect, value):
    selects = driver.find_elements(By.CSS_SELECTOR, f"select[data-key='{letter}/{aspect}']")
    if not selects:
        return False
    Select(selects[0]).select_by_value(str(value))
    # Keys are ignored while a rating field has the focus.
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--prefab", required=True)
    parser.add_argument("--run", required=True)
    args = parser.parse_args()
    prefab = args.prefab
    work = tempfile.mkdtemp(prefix="prefab-review-quickstart.")
    run = os.path.join(work, "quickstart")
    # The run as the quickstart left it, without any review of the user's.
    shutil.copytree(args.run, run, symlinks=True,
                    ignore=shutil.ignore_patterns("review.sqlite*", "review-index.sqlite*", "pairs-reviewed"))
    check = page.check

    server, url = page.start_review(prefab, run, "--reviewer", REVIEWER)
    base = url.split("?")[0]

    def api(path):
        return json.load(urllib.request.urlopen(base + path))

    plan = []  # (prompt_id, verdict, how)
    driver = None
    try:
        ten = [e["prompt_id"] for e in api("api/queue?limit=10")["page"]["entries"]]
        check(len(ten) == 10, f"the quickstart's queue has ten items to review ({len(ten)})")
        items = {p: api("api/item?prompt_id=" + urllib.parse.quote(p)) for p in ten}
        driver = page.browser()
        driver.get(url)
        page.ready(driver)
        shown = driver.execute_script("return Array.from(document.querySelectorAll('#queue tbody tr')).slice(0, 10).map(r => r.dataset.promptId)")
        check(shown == ten, "the page lists the ten most uncertain prompts first, in the API's order")
        page.press(driver, "\n")
        WebDriverWait(driver, 10).until(lambda d: page.current_item(d) is not None)
        for position, prompt_id in enumerate(ten):
            item = items[prompt_id]
            check(page.current_item(driver) == prompt_id, f"item {position + 1} is the queue's item {position + 1} ({prompt_id})")
            letters = [c["letter"] for c in item["completions"]]
            if position < 6:
                chosen = item["pair"].get("chosen")
                other = [c for c in item["completions"] if c["index"] != chosen]
                pick = other[0]["letter"] if other else letters[0]
                if position in (0, 3):
                    rate(driver, pick, "helpfulness", 5)
                    for letter in letters:
                        if letter != pick:
                            rate(driver, letter, "helpfulness", 1)
                if position < 3:
                    page.press(driver, str(letters.index(pick) + 1))
                    how = "key " + str(letters.index(pick) + 1)
                else:
                    driver.find_element(By.CSS_SELECTOR, f"button.pick[data-verdict='{pick}']").click()
                    how = "click " + pick
                plan.append((prompt_id, pick, how))
            elif position in (6, 8):
                verdict, key = ("tie", "0") if position == 6 else ("both_bad", "x")
                page.press(driver, key)
                plan.append((prompt_id, verdict, "key " + key))
            else:
                verdict, button = ("tie", "tie") if position == 7 else ("both_bad", "both-bad")
                driver.find_element(By.ID, button).click()
                plan.append((prompt_id, verdict, "click " + button))
            page.wait_item_change(driver, prompt_id)
        page.inert_checks(driver)
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=10)

    stored = {p: v for p, _, v in page.labels(run, REVIEWER)}
    check(len(stored) == 10, f"ten labels are in review.sqlite ({len(stored)})")
    for prompt_id, verdict, how in plan:
        check(stored.get(prompt_id) == verdict, f"{prompt_id}: {how} saved {verdict} ({stored.get(prompt_id)})")
    preferences = {p: v for p, v, _ in plan if v not in ("tie", "both_bad")}
    dropped = {p: v for p, v, _ in plan if v in ("tie", "both_bad")}

    # prefab pairs with the quickstart's pairing settings (configs/quickstart.yaml).
    out = os.path.join(work, "pairs-reviewed")
    result = subprocess.run([prefab, "pairs", "--rated", os.path.join(run, "rated"), "--out", out, "--strategy", "best-vs-random",
                             "--format", "h4", "--test-ratio", "0.2", "--seed", "42", "--quiet"],
                            capture_output=True, text=True)
    check(result.returncode == 0, f"prefab pairs exits 0 ({result.stderr.strip()[-300:]})")
    check("decided by reviewers (review.sqlite): 10" in result.stdout, "prefab pairs says the reviewers decided ten prompts")
    summary = json.load(open(os.path.join(out, "pairs-summary.json")))
    check(summary.get("human_labelled") == 10, f"pairs-summary.json counts ten human-labelled prompts ({summary.get('human_labelled')})")
    check(summary["dropped"].get("human_tie") == 2 and summary["dropped"].get("human_both_bad") == 2,
          f"the two ties and two both-bads are dropped ({summary['dropped']})")
    reviewed = rows(prefab, out)
    original = rows(prefab, os.path.join(run, "pairs"))
    records = {p: {c["letter"]: c["response"] for c in items[p]["completions"]} for p in preferences}
    for prompt_id, letter in preferences.items():
        got = reviewed.get(prompt_id, [])
        check(len(got) > 0 and all(r["label_source"] == "human" for r in got), f"{prompt_id}: its rows say label_source human")
        check(len(got) > 0 and all(last(r["chosen"]) == records[prompt_id][letter] for r in got),
              f"{prompt_id}: the answer the reviewer picked ({letter}) is chosen")
        judges = items[prompt_id]["pair"].get("chosen")
        if judges is not None and items[prompt_id]["completions"][judges]["response"] != records[prompt_id][letter]:
            before = original.get(prompt_id, [])
            check(all(last(r["chosen"]) != records[prompt_id][letter] for r in before),
                  f"{prompt_id}: the run's own pairs had the judges' choice as chosen (flipped now)")
    for prompt_id, verdict in dropped.items():
        check(prompt_id not in reviewed, f"{prompt_id}: {verdict} removes its pair")
    others = [r for p, rs in reviewed.items() if p not in plan_ids(plan) for r in rs]
    check(all(r["label_source"] == "judges" for r in others), f"the other prompts' rows say label_source judges ({len(others)})")

    # prefab eval-judges --human: the recorded votes against the ten labels.
    result = subprocess.run([prefab, "eval-judges", "--human", run, "--json"], capture_output=True, text=True)
    check(result.returncode == 0, f"prefab eval-judges --human exits 0 ({result.stderr.strip()[-300:]})")
    if result.returncode == 0:
        evaluation = json.loads(result.stdout)["recorded"]
        check(evaluation["reviewed"] == 10 and evaluation["conflicts"] == 0,
              f"eval-judges counts ten reviewed items ({evaluation['reviewed']}, {evaluation['conflicts']} in conflict)")
        ensemble = next(r for r in evaluation["rows"] if r["judge"] == "ensemble")
        check(ensemble["preferences"] <= 6 and ensemble["agree"] == 0,
              f"the ensemble agrees with none of the six overturns ({ensemble['agree']}/{ensemble['preferences']})")
        check({o["prompt_id"] for o in evaluation["overturned"]} == set(preferences),
              f"the six overturned items are listed ({len(evaluation['overturned'])})")
        helpfulness = [a for a in evaluation["aspects"] if a["aspect"] == "helpfulness"]
        check(any(a["ratings"] > 0 for a in helpfulness), f"the reviewers' helpfulness ratings are compared with the judges' ({len(helpfulness)} rows)")
    text = subprocess.run([prefab, "eval-judges", "--human", run], capture_output=True, text=True).stdout
    check(text.startswith("Recorded votes against the reviewers") and "10 reviewed items" in text, "the table says ten reviewed items")

    gold = os.path.join(work, "gold.jsonl")
    subprocess.run([prefab, "review", run, "--export", gold], check=True, capture_output=True)
    exported = [json.loads(line) for line in open(gold)]
    check(sorted(g["id"] for g in exported) == sorted(preferences), f"the export holds the six preferences ({len(exported)})")

    if not page.failures:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"the reviewed copy is kept in {work}")
    print(f"review quickstart check: {'PASSED' if not page.failures else 'FAILED: ' + '; '.join(page.failures)}")
    return 0 if not page.failures else 1


def plan_ids(plan):
    return {p for p, _, _ in plan}


if __name__ == "__main__":
    sys.exit(main())
