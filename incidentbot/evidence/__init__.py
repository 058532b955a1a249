"""Evidence that does not depend on the database alone: chain heads published outside it
(:mod:`.anchors`), RFC 3161 timestamp tokens (:mod:`.tsa`) and earlier exports (:mod:`.exports`).

See ``docs/evidence.md`` for what each protects against and what it does not.
"""
