"""What every content file's model shares: ids, text, dates, web addresses, language
tags, and ``Strict``, the base that makes an unknown key an error."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from briefgen.plain import CLASS

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # always used with fullmatch: no trailing \n
ID_MAX_LENGTH = 80  # so that every file named after an id stays far below 255 bytes
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
# A web address a reader can follow: http or https only, no spaces or markup characters.
# No space, no quote or angle bracket, and none of plain.REFUSED (a bidi override would
# make the link's text read reversed; a control character is never part of a URL).
URL_PATTERN = r"^https?://[^\s<>\"'`" + CLASS + "]+$"
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)]
# A BCP 47 language tag as briefgen accepts one (the project's `language`, a note's
# `lang`): WeasyPrint and browsers ignore a `lang` that is not one, so it is checked here.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def language_tag(value: str) -> str:
    if not LANGUAGE_TAG.fullmatch(value):
        raise ValueError(
            f'\'{value}\' is not a language tag: use a BCP 47 tag such as "en", "en-GB" or "fr"'
        )
    return value


LanguageTag = Annotated[str, AfterValidator(language_tag)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
