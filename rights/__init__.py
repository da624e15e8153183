"""The passenger-rights rulebook as POLICY.md states it (EU261 and UK261): pure rules, no Django, unit-tested in
milliseconds.

``regime`` (which law applies to a flight and a journey, and its currency), ``geo`` (distances, where each
regulation applies), ``bands`` (Art. 7(1) distance bands), ``care`` (meal vouchers), ``hotels`` (overnight
stays), ``notice`` (the written notice of rights, Art. 14(2)), ``compensation`` (Art. 7 amounts).
"""
