"""The organisation file: parse and validate the YAML with line numbers (``file``)."""

from bot.org.file import OrgFileError, parse_org_file, parse_org_text

__all__ = ["OrgFileError", "parse_org_file", "parse_org_text"]
