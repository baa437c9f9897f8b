"""Event manager: an open-source system for scientific and medical conferences.

The application is built by `eventmgr.app.create_app`; ARCHITECTURE.md is the floor plan.
"""
