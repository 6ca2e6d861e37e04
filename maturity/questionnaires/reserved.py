"""The reserved option ids (README, "Rules every file follows"): added by the loader, never
written in a file. `na` (not applicable) where an item offers it, `dk` (don't know) on every
scored item, `none` ("none of these") in checklists."""

NA, DK, NONE = "na", "dk", "none"
RESERVED_OPTION_IDS = (NA, DK)
CHECKLIST_RESERVED_OPTION_IDS = (NA, DK, NONE)
