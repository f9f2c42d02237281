import csv

import pytest

from taxonomy.errors import TaxonomyError
from taxonomy.reliability import agreement, agreement_lines


def second(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "labels", "stance"])
        writer.writerows(rows)
    return path


def test_perfect_agreement(tiny_corpus, tmp_path):
    with (tiny_corpus / "tiny.csv").open(encoding="utf-8") as handle:
        rows = [[r["id"], r["labels"], r["stance"]] for r in csv.DictReader(handle)]
    result = agreement(tiny_corpus, second(tmp_path / "s.csv", rows))
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(1.0)
    assert result["per_category"]["buck_passing"]["kappa"] == pytest.approx(1.0)
    assert result["disagreements"] == []
    assert "Krippendorff" in "\n".join(agreement_lines(result))


def test_disagreement_lowers_kappa(tiny_corpus, tmp_path):
    with (tiny_corpus / "tiny.csv").open(encoding="utf-8") as handle:
        rows = [[r["id"], r["labels"], r["stance"]] for r in csv.DictReader(handle)]
    # the second coder misses every buck_passing sentence
    rows = [[i, "|".join(x for x in l.split("|") if x and x != "buck_passing"), s] for i, l, s in rows]
    rows = [[i, l, s if l else ""] for i, l, s in rows]
    result = agreement(tiny_corpus, second(tmp_path / "s.csv", rows))
    assert result["per_category"]["buck_passing"]["kappa"] == pytest.approx(0.0)
    assert result["per_category"]["yong_lan_san"]["kappa"] == pytest.approx(1.0)
    assert result["per_category"]["petty_corruption"]["kappa"] == pytest.approx(1.0)
    assert result["overall"]["krippendorff_alpha"] < 1.0
    assert len(result["disagreements"]) == 9


def test_unknown_ids_are_an_error(tiny_corpus, tmp_path):
    with pytest.raises(TaxonomyError, match="ids not in the labelled data: zzz"):
        agreement(tiny_corpus, second(tmp_path / "s.csv", [["zzz", "", ""]]))


def test_the_output_says_what_it_compares_with_and_as_coded_gives_the_data_card_figures():
    from conftest import REPO
    from taxonomy.reliability import agreement_lines

    round2 = REPO / "data" / "reliability" / "round2_second_pass.csv"
    today = agreement(REPO / "data" / "labelled", round2)
    assert "as it is today" in agreement_lines(today)[0]
    coded = agreement(REPO / "data" / "labelled", round2, as_coded=True)
    lines = agreement_lines(coded)
    assert "as coded" in lines[0] and "round2_adjudication.csv" in lines[0]
    # the data card's round 2 figure, and the figure recorded when the round was coded
    assert round(coded["overall"]["krippendorff_alpha"], 3) == 0.810 == round(coded["recorded"]["overall"]["krippendorff_alpha"], 3)
    assert today["overall"]["krippendorff_alpha"] > 0.9
    assert any("stance was not recorded" in line for line in lines)
    assert any(line.startswith("recorded when the round was coded (round2_agreement.json): alpha 0.810") for line in lines)


def test_as_coded_needs_the_adjudication_file(tiny_corpus, tmp_path):
    with pytest.raises(TaxonomyError, match="no s_adjudication.csv beside it"):
        agreement(tiny_corpus, second(tmp_path / "s_second_pass.csv", [["t-001", "", ""]]), as_coded=True)
