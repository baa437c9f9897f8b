"""Events: the conference itself, its dates, time zone, venue and capacities."""
