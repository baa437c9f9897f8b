"""The demo event, Cancer Crosslinks 2023, and one demo account per role."""
