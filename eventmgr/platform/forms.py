"""Forms more than one domain uses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SubmitField


class CsvImportForm(FlaskForm):
    """A CSV file checked first and imported on a second post: the checked text travels in
    `content`, so the person does not pick the file again to confirm."""

    file = FileField(_l("CSV file (UTF-8)"))
    content = HiddenField()
    submit = SubmitField(_l("Check the file"))

    def posted_csv(self) -> bytes:
        """The uploaded file, else the text checked before; kept in `content` for the next
        post. Empty when nothing (valid) was posted."""
        if not self.validate_on_submit():
            return b""
        raw = self.file.data.read() if self.file.data else (self.content.data or "").encode()
        self.content.data = raw.decode("utf-8-sig", errors="replace")
        return raw


class ActionForm(FlaskForm):
    """A button that posts (remove, resend, withdraw, delete): CSRF only."""
