"""Chat markdown becomes safe HTML: what the platforms render is kept, anything else is escaped."""

from bot.console.richtext import markdown_html


def test_markup_of_the_platforms_is_kept():
    html = str(markdown_html('### 标题\n**粗体** <font color="warning">注意</font> <@zhouks>\n[原文](https://a.example/x)'))
    assert '<strong class="md-h">标题</strong>' in html and "<strong>粗体</strong>" in html
    assert '<span class="md-warning">注意</span>' in html and '<span class="md-at">@zhouks</span>' in html
    assert '<a href="https://a.example/x" target="_blank" rel="noopener noreferrer">原文</a>' in html


def test_anything_else_is_escaped():
    html = str(markdown_html('<script>alert(1)</script> [x](javascript:alert(1)) <font color="x onload=1">a</font>'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "onload=1\"" not in html
