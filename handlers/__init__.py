"""One module per intent or dialog; handlers are ``(event, ctx) -> replies`` and never send themselves."""
