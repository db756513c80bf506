"""Redundancy plan: which contained tables to drop, and how each one is rebuilt from a kept parent.

Modules: ``model`` (the optimisation problem), ``costing`` (cost model -> problem), ``ilp``,
``forest`` and ``greedy`` (solvers), ``solve`` (dispatch), ``sql``, ``predicates`` and ``recipes``
(rebuild SQL and its verification), ``verified_plan`` (solve, verify, re-price until stable),
``plan_stage`` (the ``plan_redundancy`` operator), ``summary`` (printing).
"""
