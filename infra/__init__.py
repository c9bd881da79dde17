"""Palaute on AWS: the CloudFormation template (`template.yaml`) and `palaute deploy` (`deploy.py`).

Stages, each its own module: `template` reads the template, `imports` and `package` turn the
`functions` package into a code zip and a dependency layer, `artifacts` puts them where
CloudFormation can read them, `stack` creates or updates the stack through a change set,
`publish` uploads the built site, and `deploy` runs them in order (or only plans, for --dry-run).
"""
