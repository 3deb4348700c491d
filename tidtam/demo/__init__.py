"""``tidtam demo``: a whole reporting round, offline, on an accelerated clock (docs/design.md §8).

:mod:`tidtam.demo.scenario` decides who does what (pure, from a seed);
:mod:`tidtam.demo.answers` what each unit answers; :mod:`tidtam.demo.people` the
simulated people talking to the bot through the stand-in; :mod:`tidtam.demo.quick`
answers of earlier sittings stored directly; :mod:`tidtam.demo.narration` the lines
told; :mod:`tidtam.demo.run` plays it all (:func:`~tidtam.demo.run.run_demo`);
:mod:`tidtam.demo.interactive` lets a person in the terminal try the form.
"""
