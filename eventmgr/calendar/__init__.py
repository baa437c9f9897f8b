"""Calendar files: .ics feeds and single items that every calendar client accepts."""
