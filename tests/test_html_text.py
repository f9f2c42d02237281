import pytest
from hypothesis import given
from hypothesis import strategies as st

from taxonomy.html_text import html_to_text


def lines(html, **kwargs):
    return [line for line in html_to_text(html, **kwargs).split("\n") if line.strip()]


def test_hidden_elements_are_dropped_and_blocks_break_lines():
    page = (
        "<html><head><title>站名</title><style>p{}</style></head><body>"
        "<nav><a href='/'>首页</a></nav><script>var s='隐藏';</script><noscript>开启脚本</noscript>"
        "<template><p>模板</p></template><svg><text>图</text></svg>"
        "<div><p>有的<b>干部</b>推诿扯皮。</p><p>二是&ldquo;庸懒散&rdquo;&amp;</p></div>"
        "<ul><li>一要</li><li>二要</li></ul><table><tr><td>甲</td><td>乙</td></tr></table>第一行<br>第二行"
        "</body></html>"
    )
    assert lines(page) == ["首页", "有的干部推诿扯皮。", "二是“庸懒散”&", "一要", "二要", "甲", "乙", "第一行", "第二行"]


def test_an_unclosed_head_ends_at_the_body():
    assert lines("<head><title>站名<body><p>正文。</p>") == ["正文。"]


def test_unclosed_script_hides_the_rest_but_does_not_fail():
    assert lines("<p>前文。</p><script>var x = '<p>不是正文</p>'") == ["前文。"]


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_the_result_does_not_depend_on_the_chunk_size(chunk):
    page = "<p>有的<b>干部</b>推诿&amp;扯皮。</p><!-- 注释 --><script>x</script><p>二是。</p>"
    assert html_to_text(page, chunk_chars=chunk) == html_to_text(page)
    assert lines(page, chunk_chars=chunk) == ["有的干部推诿&扯皮。", "二是。"]


@given(st.text(alphabet=st.sampled_from(list("<>/&;pbscript=\"' 有的干部。\n")), max_size=200))
def test_any_markup_gives_text_and_never_fails(html):
    assert isinstance(html_to_text(html, chunk_chars=16), str)


def test_a_big_flat_page_is_read_in_time_proportional_to_its_size():
    import time

    def seconds(n):
        page = "<html><body>" + "<p>有的干部<span>推诿</span>扯皮。</p>\n" * n + "</body></html>"
        start = time.perf_counter()
        text = html_to_text(page)
        assert text.count("推诿") == n
        return time.perf_counter() - start

    small, large = seconds(2_000), seconds(20_000)
    assert large < 30 * max(small, 1e-3)
