"""The passenger's view of their booking after a disruption (the REST API's ``bookings/lookup``): a read over the
apps that act on a booking, which none of them depends on."""
