"""GUP pages, by family: reports (list, form, detail and its actions), maps and dashboards, managers and
coordination, diagnostics en marchant, TFPB agreements. Views parse input, call a service (gup.services) or a
selector (a QuerySet method), and render; every state change is a service function."""
