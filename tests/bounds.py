"""How long the tests that check that something ends may wait for it: generous on purpose.

Each such test guards against work that would otherwise run for minutes or without end (an
endless script, a data bomb, an exponential expansion): a bound many times what a loaded
machine needs (these take well under two seconds) still tells "stops" from "does not stop"
without ever failing because the machine was busy.
"""

ENDS_WITHIN = 30.0  # seconds
