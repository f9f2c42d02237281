"""Shared fixtures: tiny labelled corpora and a tiny model trained on one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
SPEECHES = sorted(RAW.glob("*.txt"))

# (text, labels, stance): short passages in the register of the speeches.
PASSAGES = {
    "p1": [
        ("一、当前作风方面存在的突出问题", "", ""),
        ("一是推诿扯皮。", "buck_passing", "problem"),
        ("有的科室遇到企业办证就让其到别的窗口去问。", "buck_passing", "problem"),
        ("企业办一个证在三个科室之间转了一个月。", "buck_passing", "problem"),
        ("今年全市新增市场主体一万二千户。", "", ""),
        ("坚决杜绝推诿扯皮，实行首问负责。", "buck_passing", "remedy"),
    ],
    "p2": [
        ("二是庸懒散问题仍然存在。", "yong_lan_san", "problem"),
        ("有的干部上班时间玩手机、炒股票。", "yong_lan_san", "problem"),
        ("有的迟到早退，群众来了找不到人。", "yong_lan_san", "problem"),
        ("全年共办理群众诉求三千余件。", "", ""),
        ("要严肃整治庸懒散，开展作风暗访。", "yong_lan_san", "remedy"),
        ("同志们，让我们团结一心，奋力开创新局面！", "", ""),
    ],
    "p3": [
        ("三是吃拿卡要现象屡禁不止。", "petty_corruption", "problem"),
        ("有的执法人员收受商户购物卡。", "petty_corruption", "problem"),
        ("个别窗口人员办事要好处费。", "petty_corruption", "problem"),
        ("对吃拿卡要的一律严肃查处。", "petty_corruption", "remedy"),
        ("会议表彰了一批先进集体和个人。", "", ""),
        ("下面，我讲三点意见。", "", ""),
    ],
    "p4": [
        ("有的部门推来推去，群众来回跑了五趟。", "buck_passing", "problem"),
        ("有的干部混日子，得过且过。", "yong_lan_san", "problem"),
        ("有的村干部索要红包才给盖章。", "petty_corruption", "problem"),
        ("各单位要认真抓好贯彻落实。", "", ""),
        ("全年招商引资到位资金八十亿元。", "", ""),
        ("要坚决纠正吃拿卡要和推诿扯皮。", "petty_corruption|buck_passing", "remedy"),
    ],
    "p5": [
        ("四、扎实推进作风建设", "", ""),
        ("遇到矛盾绕道走，碰到问题向上推。", "buck_passing", "problem"),
        ("精神懈怠，满足于过得去。", "yong_lan_san", "problem"),
        ("利用审批权吃拿卡要。", "petty_corruption", "problem"),
        ("政务服务中心新设了十个综合窗口。", "", ""),
        ("防止庸懒散问题反弹。", "yong_lan_san", "remedy"),
    ],
    "p6": [
        ("对推诿扯皮的单位要通报批评。", "buck_passing", "remedy"),
        ("纪律松弛，作风散漫。", "yong_lan_san", "problem"),
        ("严查收受礼金问题。", "petty_corruption", "remedy"),
        ("今年是全面完成规划目标的关键一年。", "", ""),
        ("谢谢大家！", "", ""),
        ("踢皮球现象有所减少。", "buck_passing", "problem"),
    ],
}


def write_corpus(directory: Path, passages=PASSAGES, name: str = "tiny.csv") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "source", "text", "labels", "stance"])
        n = 0
        for source, rows in passages.items():
            for text, labels, stance in rows:
                n += 1
                writer.writerow([f"t-{n:03d}", source, text, labels, stance])
    return path


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    """A folder with one small, valid labelled CSV file."""
    directory = tmp_path / "labelled"
    write_corpus(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory) -> Path:
    """A model trained on the tiny corpus, saved once per test session."""
    from taxonomy.training import train

    root = tmp_path_factory.mktemp("tiny")
    write_corpus(root / "labelled")
    out = root / "model.skops"
    train(root / "labelled", out, cv=False)
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_model_path):
    from taxonomy.model import load_model

    return load_model(tiny_model_path)


@pytest.fixture
def speech_text() -> str:
    return "同志们：\n一是推诿扯皮。有的科室让企业来回跑。\n要坚决杜绝吃拿卡要。今年新增市场主体一万户。"
