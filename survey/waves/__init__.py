"""Running waves (moderators and administrators): creating, opening and closing them, headcounts,
invitation codes with their QR codes, and the analysts' raw-responses CSV of a closed wave."""
