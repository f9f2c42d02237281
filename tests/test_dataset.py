import csv

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from taxonomy.dataset import char_trigrams, check_labelled, near_duplicate_pairs, split_labels


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "text", "labels", "stance"])
        writer.writerows(rows)


def test_tiny_corpus_is_clean(tiny_corpus):
    report = check_labelled(tiny_corpus)
    assert report.ok, report.problems
    assert report.counts["buck_passing"]["problem"] == 6
    assert report.n_none == 12
    assert report.n_multi == 1


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["a", "s", "有的干部推诿扯皮。", "nonsense", "problem"]], "a.csv:2: unknown category id 'nonsense'"),
        ([["a", "s", "有的干部推诿扯皮。", "buck_passing", ""]], "a.csv:2: labelled sentence without a stance"),
        ([["a", "s", "今年新增一万户。", "", "problem"]], "a.csv:2: stance 'problem' on a none sentence"),
        ([["a", "s", "有的干部推诿扯皮。", "buck_passing", "maybe"]], "a.csv:2: unknown stance 'maybe'"),
        ([["a", "s", "", "", ""]], "a.csv:2: empty text"),
        ([["a", "s", "一。", "", ""], ["a", "s", "二。", "", ""]], "a.csv:3: duplicate id 'a'"),
    ],
    ids=["unknown-id", "missing-stance", "stance-on-none", "bad-stance", "empty-text", "duplicate-id"],
)
def test_each_problem_is_reported_with_file_and_line(tmp_path, rows, expected):
    write(tmp_path / "a.csv", rows)
    assert any(p.startswith(expected) for p in check_labelled(tmp_path).problems)


def test_duplicates_conflicts_and_near_duplicates_across_files(tmp_path):
    write(tmp_path / "a.csv", [["a1", "s", "有的部门遇到难事就往上推给领导。", "buck_passing", "problem"]])
    write(
        tmp_path / "b.csv",
        [
            ["b1", "t", "有的部门遇到难事就往上推给领导。", "", ""],
            ["b2", "t", "有的部门遇到难事就往上推给领导们。", "buck_passing", "problem"],
        ],
    )
    problems = check_labelled(tmp_path).problems
    assert "b.csv:2: duplicate text with conflicting labels of a.csv:2" in problems
    assert any(p.startswith("b.csv:3: near-duplicate text") for p in problems)


def test_all_problems_are_reported_at_once(tmp_path):
    write(tmp_path / "a.csv", [["a", "s", "", "x", ""], ["b", "s", "好。", "", "remedy"]])
    assert len(check_labelled(tmp_path).problems) >= 4


def test_missing_columns_and_empty_folder(tmp_path):
    assert "no labelled .csv files" in check_labelled(tmp_path).problems[0]
    (tmp_path / "x.csv").write_text("id,text\n1,好\n", encoding="utf-8")
    assert "missing column(s) source, labels, stance" in check_labelled(tmp_path).problems[0]


def test_split_labels_and_trigrams():
    assert split_labels("a| b |") == ("a", "b")
    assert split_labels("") == ()
    assert char_trigrams("好") == frozenset(["好"])
    assert char_trigrams("推诿扯皮") == frozenset(["推诿扯", "诿扯皮"])


def test_near_duplicate_threshold_is_strict():
    texts = ["甲乙丙丁戊己庚辛", "甲乙丙丁戊己庚辛", "子丑寅卯辰巳午未"]
    assert near_duplicate_pairs(texts) == [(0, 1, 1.0)]


def test_project_labelled_data_passes_the_check_with_the_issue_counts():
    report = check_labelled(REPO / "data" / "labelled")
    assert report.ok, report.problems[:5]
    assert len(report.rows) >= 3000
    assert report.n_none >= 1200
    assert report.n_multi >= 300
    for cat, counter in report.counts.items():
        assert counter["problem"] + counter["remedy"] >= 100, cat
        assert counter["problem"] and counter["remedy"], cat
        assert report.implicit[cat] >= 1 / 3, cat


def test_a_pair_exactly_at_the_near_duplicate_threshold_is_not_flagged():
    # 4 shared trigrams of 5: Jaccard exactly 0.8, which is not above it
    assert near_duplicate_pairs(["甲乙丙丁戊己庚", "甲乙丙丁戊己"], threshold=0.8) == []
    assert near_duplicate_pairs(["甲乙丙丁戊己庚", "甲乙丙丁戊己"], threshold=0.79)[0][:2] == (0, 1)


def test_spreadsheet_unsafe_text_is_a_warning_not_a_problem(tmp_path):
    write(tmp_path / "a.csv", [
        ["a", "s", '=HYPERLINK("http://x","click here")', "", ""],
        ["b", "s", "有的干部推诿\x01扯皮。", "buck_passing", "problem"],
        ["c", "s", "-有的科室让企业来回跑。", "buck_passing", "problem"],
        ["d", "s", "今年新增市场主体一万户，比上年多一千户。", "", ""],
    ])
    report = check_labelled(tmp_path)
    assert report.ok, report.problems
    assert report.warnings == [
        "a.csv:2: text starts with = + - or @ (a spreadsheet may read it as a formula)",
        "a.csv:3: text holds control characters",
        "a.csv:4: text starts with = + - or @ (a spreadsheet may read it as a formula)",
    ]


def test_provenance_columns_are_kept_and_checked(tmp_path):
    with (tmp_path / "imported.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "text", "labels", "stance", "annotator", "date", "sample", "sentence_id"])
        writer.writerow(["a-1", "s.txt", "有的干部推诿扯皮。", "buck_passing", "problem", "wang", "2024-05-01", "random", "3"])
        writer.writerow(["a-2", "s.txt", "今年新增一万户。", "", "", "wang", "1.5.2024", "chosen", "x"])
    report = check_labelled(tmp_path)
    assert report.rows[0].extra == {"annotator": "wang", "date": "2024-05-01", "sample": "random", "sentence_id": "3"}
    assert report.problems == [
        "imported.csv:3: unknown sample 'chosen' (use suggested, random or leave it empty)",
        "imported.csv:3: date '1.5.2024' is not YYYY-MM-DD",
        "imported.csv:3: sentence_id 'x' is not a whole number",
    ]


def _brute_force_pairs(texts, threshold):
    grams = [char_trigrams(t) for t in texts]
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            union = len(grams[i] | grams[j])
            score = len(grams[i] & grams[j]) / union if union else 1.0
            if score > threshold:
                pairs.append((i, j, score))
    return pairs


@st.composite
def _variants(draw):
    """Texts that are edits of one base text, so that near duplicates are common."""
    base = draw(st.text(alphabet="甲乙丙丁戊己庚辛", min_size=0, max_size=14))
    texts = []
    for _ in range(draw(st.integers(0, 6))):
        chars = list(base)
        for _ in range(draw(st.integers(0, 2)) if chars else 0):
            chars[draw(st.integers(0, len(chars) - 1))] = draw(st.sampled_from("甲乙丙丁戊己庚辛壬癸"))
        texts.append("".join(chars) + draw(st.text(alphabet="壬癸", max_size=2)))
    return texts


@settings(max_examples=300, deadline=None)
@given(_variants(), st.sampled_from([0.0, 0.3, 0.5, 0.6, 0.75, 0.8, 0.9]))
@example(["丙庚丙乙辛丙甲乙辛丙", "丙丙丙乙丙丙甲乙辛丙", "丙庚丙乙辛丙甲辛辛丙", "丙庚丙乙辛丙甲乙辛甲"], 0.8)
def test_near_duplicate_pairs_are_those_of_comparing_every_pair(texts, threshold):
    assert near_duplicate_pairs(texts, threshold=threshold) == _brute_force_pairs(texts, threshold)
