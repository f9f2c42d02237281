import pytest

from taxonomy.categories import FAMILIES, category_ids, load_categories

CONTRACT = {
    "formalism": "形式主义", "fraud": "形式主义", "bureaucratism": "官僚主义",
    "yong_lan_san": "为官不为", "buck_passing": "为官不为", "obstruction": "为官不为",
    "inaction": "为官不为", "avoid_responsibility": "为官不为", "poor_execution": "为官不为",
    "incompetence": "能力观念", "rigid_thinking": "能力观念", "departmentalism": "能力观念",
    "petty_corruption": "廉洁", "hedonism": "廉洁", "abuse_of_power": "乱作为",
}


def test_packaged_categories_match_the_contract():
    cats = load_categories()
    assert {c.id: c.family for c in cats} == CONTRACT
    assert all(c.name_zh and c.definition and c.keywords for c in cats)
    assert set(FAMILIES) == set(CONTRACT.values())


def test_category_ids_keep_file_order():
    assert category_ids()[:3] == ["formalism", "fraud", "bureaucratism"]


@pytest.mark.parametrize(
    "row, message",
    [
        ("bad id,名,形式主义,定义,词", "invalid category id"),
        ("formalism,名,不存在,定义,词", "unknown family"),
    ],
    ids=["space-in-id", "unknown-family"],
)
def test_invalid_category_files_are_rejected(tmp_path, row, message):
    path = tmp_path / "cats.csv"
    path.write_text("id,name_zh,family,definition,keywords\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_categories(path)


def test_duplicate_ids_are_rejected(tmp_path):
    path = tmp_path / "cats.csv"
    path.write_text(
        "id,name_zh,family,definition,keywords\nfraud,a,形式主义,d,k\nfraud,b,形式主义,d,k\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="duplicate category id 'fraud'"):
        load_categories(path)


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "cats.csv"
    path.write_text("id,name_zh,family\nfraud,a,形式主义\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_categories(path)
