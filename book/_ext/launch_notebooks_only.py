"""Launch buttons only on the chapters: Colab opens ``.ipynb`` files, not MyST pages.

sphinx-book-theme adds launch buttons to every executed page, the book's executable Markdown
pages included, and points them at the ``.md`` file. This drops the launch group from any page
whose source is not a notebook.
"""

from __future__ import annotations

from pathlib import Path


def _drop_launch_buttons(app, pagename, templatename, context, doctree):
    if Path(app.env.doc2path(pagename)).suffix == ".ipynb":
        return
    buttons = context.get("header_buttons")
    if buttons:
        buttons[:] = [b for b in buttons if b.get("label") != "launch-buttons"]


def setup(app):
    # after the theme's own handler (priority 501) has added the buttons
    app.connect("html-page-context", _drop_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
