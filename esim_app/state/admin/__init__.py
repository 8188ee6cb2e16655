"""States of the admin dashboard's order and customer pages."""
