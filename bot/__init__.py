"""Domain package of the knee-or-back assistant: clinical knowledge, NLU, assessment.

Nothing in this package imports Rasa except the NLU component module
(`bot.nlu_component`), the channel adapters (`bot.channels` platform modules)
and the web page channel (`bot.web.channel`), so the clinical logic can be used
and tested on its own.
"""
