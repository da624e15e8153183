"""EU Regulation 261/2004 as POLICY.md states it: pure rules (no Django), unit-tested in milliseconds.

``geo`` (distances, where the Regulation applies), ``bands`` (Art. 7(1) distance bands), ``care`` (meal vouchers),
``hotels`` (overnight stays), ``compensation`` (Art. 7 amounts).
"""
