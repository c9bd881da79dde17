"""Serverless functions (collect, report) and the code they share: manifest, conditions, responses, stores."""
