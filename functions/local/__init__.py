"""`palaute serve`: the site, the collect and the report functions on one machine, behind one local origin."""
