"""Notifications' writes: messages to partner airlines (:mod:`.partners`) and to passengers (:mod:`.passengers`).

Both write message rows in the handler's transaction and send them after it commits.
"""
