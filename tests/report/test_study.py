"""The ratings CSV: schema checks with line numbers, statistics checked by hand."""

from __future__ import annotations

import math

import pytest

from eatbench.errors import InputError
from eatbench.report.study import parse_ratings_csv, question_key, summarize

HEAD = "participant,method,clip,question,score,vote\n"


def test_schema_errors_name_the_line():
    with pytest.raises(InputError, match="missing column"):
        parse_ratings_csv("participant,method,clip\np,m,c\n")
    with pytest.raises(InputError, match=r"r\.csv:3: score 11 is outside 1-10"):
        parse_ratings_csv(HEAD + "p,m,c,emo,5,\np,m,c,emo,11,\n", "r.csv")
    with pytest.raises(InputError, match=r":2: question tend needs vote 1/0"):
        parse_ratings_csv(HEAD + "p,m,c,tend,5,\n")
    with pytest.raises(InputError, match=r"unknown question 'vis'.*did you mean"):
        parse_ratings_csv(HEAD + "p,m,c,vis,5,\n")
    with pytest.raises(InputError, match="no ratings"):
        parse_ratings_csv(HEAD)


def test_paper_spellings_and_emotion_from_clip():
    assert question_key("Vis-Q.") == "vis-q" and question_key("ID-P") == "id-p" and question_key("Tend.") == "tend"
    rows = parse_ratings_csv(HEAD + "p,EAT-Face,M003_fear_2_001_front,Emo.,7,\np,x,clip9,tend,,yes\n")
    assert (
        rows[0]["emotion"] == "fear"
        and rows[0]["question"] == "emo"
        and rows[1]
        == {
            "participant": "p",
            "method": "x",
            "clip": "clip9",
            "question": "tend",
            "score": None,
            "vote": 1,
            "emotion": None,
        }
    )


def test_mean_over_ratings_and_standard_error_over_participants():
    csv = HEAD + "a,m,c1,emo,2,\na,m,c2,emo,4,\nb,m,c1,emo,9,\nc,m,c1,emo,6,\n"
    s = summarize(parse_ratings_csv(csv))[("m", "emo")]
    assert s.mean == pytest.approx(21 / 4) and (s.participants, s.ratings) == (3, 4)
    means = [3, 9, 6]  # per participant
    sd = math.sqrt(sum((x - 6) ** 2 for x in means) / 2)
    assert s.sem == pytest.approx(sd / math.sqrt(3))


def test_bootstrap_ci_resamples_participants():
    from eatbench.report.study import bootstrap_ci

    one = [{"participant": "p", "question": "emo", "score": s, "vote": None} for s in (4.0, 6.0)]
    assert bootstrap_ci(one) == (5.0, 5.0)  # one participant: every resample is that participant
    two = [*one, {"participant": "q", "question": "emo", "score": 9.0, "vote": None}]
    lo, hi = bootstrap_ci(two, n_boot=4000)
    # Resamples are {p,p} (mean 5), {q,q} (9) or {p,q} (19/3); each extreme has probability 1/4.
    assert lo == 5.0 and hi == 9.0
    assert bootstrap_ci(two, seed=1) == bootstrap_ci(two, seed=1)
