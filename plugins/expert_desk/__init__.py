"""Expert Q&A desk (农科专家咨询台)

Agricultural experts answer the questions villages collect (door to door, question forms,
meetings, online, or noted on a visit): the desk routes each question to an expert by
specialty and load, the expert answers, the village gives feedback, a daily job chases
questions near or past their due date, and representative answers are compiled into a
printable Q&A booklet (问答汇编).
"""

from flask_babel import lazy_gettext as _l

#: the module's name and what it does, on the plugins page in the reader's language
TITLE = _l("Expert Q&A desk (农科专家咨询台)")
DESCRIPTION = _l(
    "Agricultural experts answer the questions villages collect: the desk routes each "
    "question to an expert by specialty and load, the expert answers, the village gives "
    "feedback, questions near or past their due date are chased every day, and representative "
    "answers are compiled into a printable Q&A booklet."
)
