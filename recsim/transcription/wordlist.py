"""A list of common English words: the vocabulary of synthetic talkers and of the error
model's substitutions and insertions.

352 frequent words of spoken English (function words, numbers, everyday nouns and verbs
of a customer call), lower case, no punctuation; fixed here (not read from a file) so a
run's words never depend on what is installed.
"""

from __future__ import annotations

__all__ = ["ENGLISH_WORDS"]

ENGLISH_WORDS: tuple[str, ...] = tuple(dict.fromkeys("""
the be to of and a in that have i it for not on with he as you do at this but his by
from they we say her she or an will my one all would there their what so up out if about
who get which go me when make can like time no just him know take people into year your
good some could them see other than then now look only come its over think also back
after use two how our work first well way even new want because any these give day most
us is was are were been has had did said call calling called thank thanks please sorry
hello hi yes yeah okay sure right help need order account payment card number balance
week month today tomorrow yesterday morning afternoon evening monday tuesday wednesday
thursday friday saturday sunday zero three four five six seven eight nine ten hundred
thousand first second last next check ship shipped shipping arrive delivery package
address street city phone email name manager support service problem question answer
price cost pay paid bill refund return cancel change update confirm send sent receive
email message voicemail minute hour moment wait hold transfer line speak talk tell ask
let put keep find still here where why very much many more less great fine little big
long short old young same different able free open close closed start stop end again
really actually maybe probably already never always often sometimes soon later early
late before during until while through around between under above below near far off
down left went came got made took gave told asked found felt kept thought knew saw
should must might may shall can't don't i'm it's that's there's we're you're they're
let's wouldn't couldn't didn't isn't wasn't hasn't haven't anything something nothing
everything someone anyone everyone nobody home office store company team customer
agent client family friend house car money dollar dollars cents plan price policy
system computer website online internet password login code reference ticket case
issue happy glad nice kind best better worse bad wrong correct exactly perfect
""".split()))
