"""Views of the programming, one module per page family:

- calls: the index (`programming:index`), calls and their financers, the register of carriers;
- applications: the carrier's space (dossiers, forecast budget, targets, attachments, submit, renewal);
- instruction: the instructor's list, the grid, the financers' opinions, requests for more information, transitions;
- committee: the programming table of a call, bulk decisions, XLSX/CSV exports, notification letters;
- followup: conventions, payment schedules and payments;
- bilans: the bilan (CERFA 15059) and the QPV share from an address list;
- opendata: the SCDL « subventions » export and the import of an existing programming.
"""
