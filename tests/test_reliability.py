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
