"""``tidtam demo``: a whole reporting round, offline, on an accelerated clock (docs/design.md §8).

:mod:`tidtam.demo.scenario` decides who does what (pure, from a seed);
:mod:`tidtam.demo.answers` what each unit answers; :mod:`tidtam.demo.people` the
simulated people talking to the real bot through the fake Telegram, every answer
(there is no other way into the database: :mod:`tidtam.demo.proof` counts it);
:mod:`tidtam.demo.scripted` reads the question a message asks; :mod:`tidtam.demo.narration`
the lines told; :mod:`tidtam.demo.run` plays it all (:func:`~tidtam.demo.run.run_demo`);
:mod:`tidtam.demo.interactive` lets a person in the terminal try the form.
"""
