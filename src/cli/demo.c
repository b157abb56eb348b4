/*
 * demo.c — `helpo demo`: fills an empty desk with a realistic demo help desk — an admin,
 * three groups, eight agents, eight organizations, sixty customers and three hundred tickets
 * with conversations in English, Latvian, Lithuanian, Russian and Esperanto, spread over the
 * last ninety days.
 *
 * Everything is created through the desk_* functions (the one door into the domain), acting
 * as the system or as the agents and customers themselves, so events, status rules, search
 * indexing and authorization work exactly as for real traffic. The only direct SQL writes
 * are the final back-dating of timestamps (see backdate()): the desk stamps everything "now",
 * and a demo with three hundred tickets created in the same second would not look like a
 * desk. To know which rows to move, it reads the highest event and comment ids after each
 * desk call, so it assumes nobody else writes the database while it runs (it runs from
 * `helpo demo` / `make run` before the server starts).
 *
 * The content comes from a fixed-seed PRNG (xorshift64*), so two runs produce the same desk;
 * only the admin password (crypto_token) and the "now" everything is relative to differ.
 */
#include "cli/cli.h"
#include "desk/desk.h"
#include "desk/view.h"
#include "desk/kb.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DEMO_ADMIN_EMAIL    "admin@helpo.test"
#define DEMO_AGENT_PASSWORD "demo-agent-pass"
#define DEMO_TICKETS        300
#define DEMO_DAYS           90
#define DEMO_SEED           0x68656c706f2d6465ULL /* "helpo-de" */

#define MINUTE (60 * (int64_t)1000)
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)

/* ------------------------------------------------------------------------------------------
 * Languages and the phrases every conversation is assembled from
 * ------------------------------------------------------------------------------------------ */

enum lang { EN, LV, LT, RU, EO, NLANG };
static const char *const lang_code[NLANG] = {"en", "lv", "lt", "ru", "eo"};

/* clang-format off */
/* {n} in a phrase is replaced by a first name. */
static const char *const cust_hello[NLANG][3] = {
	[EN] = {"Hello,", "Hi there,", "Good morning,"},
	[LV] = {"Labdien!", "Sveiki!", "Labrīt!"},
	[LT] = {"Laba diena,", "Sveiki,", "Labas rytas,"},
	[RU] = {"Здравствуйте!", "Добрый день!", "Доброе утро!"},
	[EO] = {"Saluton,", "Bonan tagon,", "Estimataj,"},
};
static const char *const cust_bye[NLANG][3] = {
	[EN] = {"Thanks in advance,", "Best regards,", "Kind regards,"},
	[LV] = {"Paldies jau iepriekš,", "Ar cieņu,", "Jauku dienu,"},
	[LT] = {"Iš anksto dėkoju,", "Pagarbiai,", "Geros dienos,"},
	[RU] = {"Заранее спасибо,", "С уважением,", "Хорошего дня,"},
	[EO] = {"Antaŭdankon,", "Amike,", "Kore,"},
};
/* Latvian and Lithuanian address people in the vocative, so agents greet without a name. */
static const char *const agent_hello[NLANG][2] = {
	[EN] = {"Hi {n},", "Hello {n},"},
	[LV] = {"Labdien!", "Sveiki!"},
	[LT] = {"Laba diena,", "Sveiki,"},
	[RU] = {"Здравствуйте, {n}!", "Добрый день, {n}!"},
	[EO] = {"Saluton, {n}!", "Kara {n},"},
};
static const char *const agent_thanks[NLANG][2] = {
	[EN] = {"Thank you for contacting us.",
		"Thanks for reaching out, and sorry for the trouble."},
	[LV] = {"Paldies, ka sazinājāties ar mums.",
		"Paldies par ziņu, un atvainojamies par sagādātajām neērtībām."},
	[LT] = {"Dėkojame, kad kreipėtės.", "Ačiū, kad parašėte, ir atsiprašome už nepatogumus."},
	[RU] = {"Спасибо за обращение.", "Спасибо, что написали, и извините за неудобства."},
	[EO] = {"Dankon, ke vi kontaktis nin.", "Dankon pro via mesaĝo, kaj pardonu la ĝenon."},
};
static const char *const agent_bye[NLANG][2] = {
	[EN] = {"Best regards,\n{n}", "Kind regards,\n{n}\nHelpo Support"},
	[LV] = {"Ar cieņu,\n{n}", "Jauku dienu!\n{n}, Helpo atbalsts"},
	[LT] = {"Pagarbiai,\n{n}", "Geros dienos!\n{n}, Helpo pagalba"},
	[RU] = {"С уважением,\n{n}", "Хорошего дня!\n{n}, служба поддержки Helpo"},
	[EO] = {"Kore,\n{n}", "Amikajn salutojn,\n{n}, Helpo-subteno"},
};
static const char *const agent_wait[NLANG][2] = {
	[EN] = {"I have passed this on to our specialists and will get back to you as soon as I "
		"know more.",
		"We are looking into it and will update you here."},
	[LV] = {"Nodevu jautājumu mūsu speciālistiem un sazināšos ar jums, tiklīdz uzzināšu ko "
		"vairāk.",
		"Mēs to pārbaudām, un es jūs informēšu šeit."},
	[LT] = {"Perdaviau klausimą mūsų specialistams ir susisieksiu su jumis, kai tik sužinosiu "
		"daugiau.",
		"Tikriname, netrukus jus informuosiu."},
	[RU] = {"Мы передали вопрос специалистам и вернёмся к вам, как только узнаем больше.",
		"Мы разбираемся и сообщим вам здесь."},
	[EO] = {"Mi transdonis la aferon al niaj fakuloj kaj revenos al vi, tuj kiam mi scios pli.",
		"Ni esploras la aferon kaj informos vin ĉi tie."},
};
static const char *const agent_close[NLANG] = {
	[EN] = "Glad to hear it! I will mark this ticket as solved; just reply if anything comes "
	       "up again.",
	[LV] = "Priecājos to dzirdēt! Atzīmēšu pieteikumu kā atrisinātu; ja kas, vienkārši "
	       "atbildiet uz šo vēstuli.",
	[LT] = "Džiaugiuosi! Pažymėsiu užklausą kaip išspręstą; jei kas, tiesiog atsakykite į šį "
	       "laišką.",
	[RU] = "Рады слышать! Отмечу обращение как решённое; если что-то понадобится, просто "
	       "ответьте на это письмо.",
	[EO] = "Ĝojas aŭdi tion! Mi markos la bileton solvita; se io denove okazos, simple "
	       "respondu.",
};
static const char *const cust_nudge[NLANG][3] = {
	[EN] = {"Any news on this? It is getting urgent for us.",
		"Just checking whether you have seen my message.", "Is there an update?"},
	[LV] = {"Vai ir kādi jaunumi? Mums tas kļūst steidzami.",
		"Gribēju pārliecināties, vai saņēmāt manu ziņu.", "Vai ir kas jauns?"},
	[LT] = {"Ar yra naujienų? Mums tai tampa skubu.",
		"Norėjau pasitikslinti, ar gavote mano laišką.", "Ar yra kokių nors naujienų?"},
	[RU] = {"Есть ли новости? Для нас это становится срочным.",
		"Уточняю, получили ли вы моё сообщение.", "Есть ли какие-то новости?"},
	[EO] = {"Ĉu estas novaĵoj? Por ni tio fariĝas urĝa.",
		"Mi nur volis kontroli, ĉu vi ricevis mian mesaĝon.", "Ĉu io novas?"},
};
static const char *const cust_thanks[NLANG][3] = {
	[EN] = {"Thank you, it works now!", "Great, that solved it. Thanks for the quick help!",
		"Perfect, thank you very much."},
	[LV] = {"Paldies, tagad viss darbojas!",
		"Lieliski, problēma atrisināta. Paldies par ātro palīdzību!",
		"Super, liels paldies."},
	[LT] = {"Ačiū, dabar viskas veikia!", "Puiku, problema išspręsta. Ačiū už greitą pagalbą!",
		"Nuostabu, labai ačiū."},
	[RU] = {"Спасибо, теперь всё работает!",
		"Отлично, проблема решена. Спасибо за быструю помощь!",
		"Замечательно, большое спасибо."},
	[EO] = {"Dankon, nun ĉio funkcias!",
		"Bonege, tio solvis la problemon. Dankon pro la rapida helpo!",
		"Perfekte, koran dankon."},
};
/* Internal notes between agents; the last one goes with putting a ticket on hold. */
#define NOTE_HOLD 3
static const char *const agent_note[NLANG][4] = {
	[EN] = {"Customer is on the Business plan, please answer today.",
		"Checked with the team lead, we can go ahead.",
		"Second ticket from this customer this month about the same thing.",
		"Waiting for the vendor to answer; putting this on hold."},
	[LV] = {"Klients ir Business plānā, lūdzu, atbildēt vēl šodien.",
		"Saskaņoju ar komandas vadītāju, varam turpināt.",
		"Šis jau ir otrais šī klienta pieteikums šomēnes par to pašu.",
		"Gaidām piegādātāja atbildi, lieku pieteikumu gaidīšanā."},
	[LT] = {"Klientas naudoja Business planą, prašau atsakyti šiandien.",
		"Suderinau su komandos vadove, galime tęsti.",
		"Tai jau antra šio kliento užklausa šį mėnesį dėl to paties.",
		"Laukiame tiekėjo atsakymo, užklausą atidedu."},
	[RU] = {"Клиент на тарифе Business, ответьте, пожалуйста, сегодня.",
		"Согласовано с руководителем группы, можно продолжать.",
		"Уже второе обращение этого клиента за месяц по тому же вопросу.",
		"Ждём ответа поставщика, ставлю обращение на удержание."},
	[EO] = {"La kliento havas la planon Business, bonvolu respondi hodiaŭ.",
		"Mi kontrolis kun la teamestro, ni povas daŭrigi.",
		"Jam la dua bileto de ĉi tiu kliento ĉi-monate pri la sama afero.",
		"Ni atendas respondon de la provizanto; mi metas la bileton en atendon."},
};

/* ------------------------------------------------------------------------------------------
 * Topics: what customers write about, in every language
 * ------------------------------------------------------------------------------------------ */

enum { G_SUPPORT, G_BILLING, G_TECHNICAL, NGROUPS };

struct topic_text {
	const char *subject[2];
	const char *question; /* the customer's first message */
	const char *ask;      /* the agent asks for details */
	const char *details;  /* the customer's answer */
	const char *answer;   /* the agent's solution */
};

struct topic {
	const char *tags[2];
	int group;
	const char *type;
	const char *note; /* an internal note (agents write these in English) */
	bool needs_details; /* the answer only makes sense after the customer's details */
	struct topic_text t[NLANG];
};

#define API_BODY                                                                                 \
	"{\"ticket\": {\"subject\": \"Test\", \"comment\": {\"body\": \"Hi\"}, "                \
	"\"custom_fields\": [{\"id\": 7}]}}"

static const struct topic topics[] = {
{
	.tags = {"password", "login"}, .group = G_SUPPORT, .type = "question",
	.note = "Mail log shows 550 from the recipient's server: their spam filter blocks our "
		"reset mails. Sent the link manually.",
	.t = {
	[EN] = {{"Cannot reset my password", "Password reset e-mail never arrives"},
		"I clicked “Forgot password” three times today, but the reset e-mail never "
		"arrives. I checked the spam folder too. Can you help me get back into my account?",
		"Could you tell me which e-mail address you use to sign in, and roughly when you "
		"last requested the reset link?",
		"I sign in with my work address, the one this message comes from. The last attempt "
		"was about an hour ago.",
		"Your company's mail server was rejecting our messages. I have sent you a new "
		"reset link by hand; it is valid for 24 hours. After you set the new password, "
		"please sign out on your other devices."},
	[LV] = {{"Nevaru atjaunot paroli", "Paroles atjaunošanas e-pasts nepienāk"},
		"Šodien trīs reizes nospiedu „Aizmirsu paroli“, bet e-pasts ar saiti tā arī "
		"nepienāca. Pārbaudīju arī surogātpasta mapi. Vai varat palīdzēt atgūt piekļuvi "
		"kontam?",
		"Lūdzu, pastāstiet, ar kuru e-pasta adresi jūs piesakāties un aptuveni kad pēdējo "
		"reizi pieprasījāt saiti?",
		"Piesakos ar darba adresi — to pašu, no kuras rakstu. Pēdējais mēģinājums bija "
		"pirms apmēram stundas.",
		"Jūsu uzņēmuma pasta serveris noraidīja mūsu vēstules. Nosūtīju jums jaunu paroles "
		"atjaunošanas saiti manuāli; tā ir derīga 24 stundas. Pēc jaunās paroles "
		"iestatīšanas, lūdzu, izrakstieties arī citās ierīcēs."},
	[LT] = {{"Negaliu atkurti slaptažodžio", "Negaunu slaptažodžio atkūrimo laiško"},
		"Šiandien tris kartus paspaudžiau „Pamiršau slaptažodį“, bet laiškas su nuoroda "
		"taip ir neatėjo. Patikrinau ir šlamšto aplanką. Ar galite padėti vėl prisijungti "
		"prie paskyros?",
		"Parašykite, prašom, kokiu el. pašto adresu jungiatės ir maždaug kada paskutinį "
		"kartą prašėte nuorodos?",
		"Jungiuosi darbo adresu – tuo pačiu, iš kurio rašau. Paskutinis bandymas buvo "
		"maždaug prieš valandą.",
		"Jūsų įmonės pašto serveris atmesdavo mūsų laiškus. Išsiunčiau jums naują "
		"slaptažodžio atkūrimo nuorodą rankiniu būdu; ji galioja 24 valandas. Nustatę "
		"naują slaptažodį, atsijunkite ir kituose įrenginiuose."},
	[RU] = {{"Не могу сбросить пароль", "Не приходит письмо для сброса пароля"},
		"Сегодня уже три раза нажимаю «Забыли пароль?», а письмо со ссылкой так и не "
		"приходит. В папке «Спам» его тоже нет. Помогите, пожалуйста, восстановить доступ "
		"к учётной записи.",
		"Подскажите, пожалуйста, с какого адреса вы входите в систему и когда примерно в "
		"последний раз запрашивали ссылку?",
		"Вхожу с рабочего адреса — того же, с которого пишу. Последняя попытка была "
		"примерно час назад.",
		"Почтовый сервер вашей компании отклонял наши письма. Мы отправили вам новую "
		"ссылку для сброса пароля вручную, она действует 24 часа. После смены пароля, "
		"пожалуйста, выйдите из учётной записи на остальных устройствах."},
	[EO] = {{"Mi ne povas restarigi mian pasvorton",
		 "La retmesaĝo por restarigi pasvorton ne alvenas"},
		"Hodiaŭ mi trifoje klakis „Forgesita pasvorto“, sed la retmesaĝo kun la ligilo "
		"neniam alvenis. Mi kontrolis ankaŭ la spamujon. Ĉu vi povas helpi min reeniri "
		"mian konton?",
		"Bonvolu diri, per kiu retpoŝta adreso vi ensalutas kaj proksimume kiam vi laste "
		"petis la ligilon.",
		"Mi ensalutas per mia laborpoŝta adreso, la sama el kiu mi skribas. La lasta provo "
		"estis antaŭ ĉirkaŭ unu horo.",
		"La retpoŝta servilo de via firmao rifuzis niajn mesaĝojn. Mi mane sendis al vi "
		"novan ligilon por restarigi la pasvorton; ĝi validas dum 24 horoj. Post kiam vi "
		"agordos la novan pasvorton, bonvolu elsaluti ankaŭ en viaj aliaj aparatoj."},
	},
},
{
	.tags = {"billing", "invoice"}, .group = G_BILLING, .type = "question",
	.note = "Billing export confirms 8 deactivated seats still counted. Credit note issued, "
		"finance informed.",
	.t = {
	[EN] = {{"Invoice amount is wrong", "We were charged for too many seats"},
		"Our invoice for this month shows 20 seats, but we only have 12 active users. It "
		"looks like removed users are still being billed. Could you check and send a "
		"corrected invoice?",
		"Could you send me the invoice number and the list of users you expect to be "
		"billed for? Then I can compare it with our records.",
		"The invoice number is INV-40817. We removed eight users on the first day of the "
		"month, so only 12 should be billed.",
		"You are right: the removed users were still counted until the end of the billing "
		"period. A credit note for the eight extra seats has been issued, and the "
		"corrected invoice is on its way to your billing address."},
	[LV] = {{"Nepareiza summa rēķinā", "Rēķinā iekļauts par daudz licenču"},
		"Šī mēneša rēķinā norādītas 20 licences, bet mums ir tikai 12 aktīvi lietotāji. "
		"Izskatās, ka par dzēstajiem lietotājiem joprojām tiek iekasēta maksa. Vai varat "
		"pārbaudīt un atsūtīt labotu rēķinu?",
		"Lūdzu, atsūtiet rēķina numuru un to lietotāju sarakstu, par kuriem jums būtu "
		"jāmaksā. Tad varēšu salīdzināt ar mūsu datiem.",
		"Rēķina numurs ir INV-40817. Astoņus lietotājus dzēsām mēneša pirmajā dienā, tātad "
		"maksai vajadzētu būt tikai par 12.",
		"Jums taisnība: dzēstie lietotāji tika skaitīti līdz norēķinu perioda beigām. Par "
		"astoņām liekajām licencēm ir izrakstīts kredītrēķins, un labotais rēķins jau "
		"nosūtīts uz jūsu e-pastu."},
	[LT] = {{"Neteisinga sąskaitos suma", "Sąskaitoje per daug licencijų"},
		"Šio mėnesio sąskaitoje nurodyta 20 licencijų, bet turime tik 12 aktyvių "
		"naudotojų. Panašu, kad už ištrintus naudotojus vis dar imamas mokestis. Ar galite "
		"patikrinti ir atsiųsti pataisytą sąskaitą?",
		"Atsiųskite, prašom, sąskaitos numerį ir naudotojų, už kuriuos turėtumėte mokėti, "
		"sąrašą. Tada galėsiu palyginti su mūsų duomenimis.",
		"Sąskaitos numeris – INV-40817. Aštuonis naudotojus ištrynėme pirmąją mėnesio "
		"dieną, todėl mokėti turėtume tik už 12.",
		"Jūs teisūs: ištrinti naudotojai buvo skaičiuojami iki atsiskaitymo laikotarpio "
		"pabaigos. Už aštuonias perteklines licencijas išrašyta kreditinė sąskaita, o "
		"pataisyta sąskaita jau išsiųsta jūsų el. paštu."},
	[RU] = {{"Неверная сумма в счёте", "В счёте слишком много лицензий"},
		"В счёте за этот месяц указано 20 лицензий, а активных пользователей у нас всего "
		"12. Похоже, за удалённых пользователей всё ещё берут плату. Не могли бы вы "
		"проверить и прислать исправленный счёт?",
		"Пришлите, пожалуйста, номер счёта и список пользователей, за которых вы ожидаете "
		"оплату. Тогда я смогу сверить его с нашими данными.",
		"Номер счёта — INV-40817. Восемь пользователей мы удалили в первый день месяца, "
		"так что платить нужно только за 12.",
		"Вы правы: удалённые пользователи учитывались до конца расчётного периода. На "
		"восемь лишних лицензий оформлена кредит-нота, а исправленный счёт уже отправлен "
		"вам на почту."},
	[EO] = {{"Malĝusta sumo en la fakturo", "Oni fakturis al ni tro multajn licencojn"},
		"Nia fakturo por ĉi tiu monato montras 20 licencojn, sed ni havas nur 12 aktivajn "
		"uzantojn. Ŝajnas, ke oni ankoraŭ fakturas por forigitaj uzantoj. Ĉu vi povas "
		"kontroli kaj sendi korektitan fakturon?",
		"Bonvolu sendi la numeron de la fakturo kaj la liston de uzantoj, por kiuj vi "
		"atendas pagi. Tiam mi povos kompari ĝin kun niaj datumoj.",
		"La numero de la fakturo estas INV-40817. Ni forigis ok uzantojn en la unua tago "
		"de la monato, do ni devus pagi nur por 12.",
		"Vi pravas: la forigitaj uzantoj estis kalkulataj ĝis la fino de la faktura "
		"periodo. Ni eldonis kreditnoton por la ok superfluaj licencoj, kaj la korektita "
		"fakturo jam estas sendita al via retpoŝto."},
	},
},
{
	.tags = {"delivery", "shipping"}, .group = G_SUPPORT, .type = "incident",
	.note = "Courier case opened: parcel stuck at the sorting hub, label damaged. Follow up "
		"if not delivered in 2 days.",
	.t = {
	[EN] = {{"My order has not arrived", "Delivery is two weeks late"},
		"I ordered the starter kit two weeks ago and the tracking page still says “in "
		"transit”. The estimated delivery date was last Friday. Where is my parcel?",
		"Could you send me your order number? I will check with the courier what happened "
		"to the parcel.",
		"The order number is 58213. The courier's tracking number is LV204481337.",
		"The courier confirmed that the parcel was held at the sorting centre because of a "
		"damaged label. It has been re-labelled and will be delivered tomorrow; you will "
		"get a text message in the morning. Sorry for the wait!"},
	[LV] = {{"Mans pasūtījums nav pienācis", "Piegāde kavējas jau divas nedēļas"},
		"Pirms divām nedēļām pasūtīju sākuma komplektu, bet izsekošanas lapā joprojām "
		"rakstīts „ceļā“. Paredzamais piegādes datums bija pagājušajā piektdienā. Kur ir "
		"mans sūtījums?",
		"Lūdzu, atsūtiet pasūtījuma numuru. Es noskaidrošu pie kurjera, kas noticis ar "
		"sūtījumu.",
		"Pasūtījuma numurs ir 58213, kurjera izsekošanas numurs — LV204481337.",
		"Kurjers apstiprināja, ka sūtījums bija aizturēts šķirošanas centrā bojātas "
		"uzlīmes dēļ. Tam ir uzlīmēta jauna uzlīme, un rīt tas tiks piegādāts — no rīta "
		"saņemsiet īsziņu. Atvainojamies par gaidīšanu!"},
	[LT] = {{"Mano užsakymas neatkeliavo", "Pristatymas vėluoja jau dvi savaites"},
		"Prieš dvi savaites užsisakiau pradinį rinkinį, bet siuntos sekimo puslapyje vis "
		"dar parašyta „Kelyje“. Numatyta pristatymo data buvo praėjusį penktadienį. Kur "
		"mano siunta?",
		"Atsiųskite, prašom, užsakymo numerį – pasiteirausiu kurjerių tarnybos, kas nutiko "
		"siuntai.",
		"Užsakymo numeris – 58213, kurjerio siuntos numeris – LV204481337.",
		"Kurjeris patvirtino, kad siunta buvo sulaikyta rūšiavimo centre dėl pažeistos "
		"etiketės. Etiketė pakeista, siunta bus pristatyta rytoj – ryte gausite SMS "
		"žinutę. Atsiprašome, kad teko laukti!"},
	[RU] = {{"Заказ так и не пришёл", "Доставка задерживается уже на две недели"},
		"Две недели назад оформили заказ на стартовый набор, а на странице отслеживания до "
		"сих пор «в пути». Ожидаемая дата доставки — прошлая пятница. Где моя посылка?",
		"Пришлите, пожалуйста, номер заказа — я уточню у курьерской службы, что случилось "
		"с посылкой.",
		"Номер заказа 58213, трек-номер курьера LV204481337.",
		"Курьерская служба подтвердила, что посылка задержалась на сортировочном центре "
		"из-за повреждённой этикетки. Этикетку заменили, завтра посылку доставят — утром "
		"придёт SMS. Приносим извинения за ожидание!"},
	[EO] = {{"Mia mendo ne alvenis", "La livero malfruas jam du semajnojn"},
		"Antaŭ du semajnoj mi mendis la komencan kompleton, sed la spura paĝo ankoraŭ "
		"montras „survoje“. La atendita dato de livero estis lastan vendredon. Kie estas "
		"mia pakaĵo?",
		"Bonvolu sendi al mi la numeron de via mendo; mi demandos la kurieran servon, kio "
		"okazis al la pakaĵo.",
		"La numero de la mendo estas 58213, la spurnumero de la kuriero estas LV204481337.",
		"La kuriero konfirmis, ke la pakaĵo restis en la ordiga centro pro difektita "
		"etikedo. Oni anstataŭigis la etikedon, kaj morgaŭ la pakaĵo estos liverita; "
		"matene vi ricevos SMS-on. Pardonu pro la atendado!"},
	},
},
{
	.tags = {"mobile-app", "crash"}, .needs_details = true,
	 .group = G_TECHNICAL, .type = "incident",
	.note = "Reproduced on Android 14 with a non-English system language. Known crash, the "
		"fix ships in 3.8.2.",
	.t = {
	[EN] = {{"App crashes on startup", "Mobile app closes right after login"},
		"Since the last update the mobile app closes immediately after I sign in. I have "
		"tried restarting the phone and reinstalling the app, but nothing helps. The web "
		"version still works.",
		"Which phone model and operating system version do you use, and which app version "
		"is shown in the store? A screenshot of the error, if there is one, would also "
		"help.",
		"It is a Samsung Galaxy A52 with Android 14, app version 3.8.1. There is no error "
		"message, the app just disappears.",
		"Thank you for the details! This was a bug in version 3.8.1 on Android 14 when the "
		"phone language is not English. Version 3.8.2 with the fix is now in the store; "
		"please update and let us know if it still happens."},
	[LV] = {{"Lietotne avarē uzreiz pēc palaišanas",
		 "Mobilā lietotne aizveras uzreiz pēc pieteikšanās"},
		"Kopš pēdējā atjauninājuma mobilā lietotne aizveras uzreiz pēc pieteikšanās. "
		"Mēģināju pārstartēt telefonu un pārinstalēt lietotni, bet nekas nepalīdz. Tīmekļa "
		"versija gan darbojas.",
		"Kāds jums ir telefona modelis un operētājsistēmas versija, un kāda lietotnes "
		"versija redzama veikalā? Ja parādās kļūdas paziņojums, lūdzu, pievienojiet arī "
		"ekrānuzņēmumu.",
		"Telefons ir Samsung Galaxy A52 ar Android 14, lietotnes versija 3.8.1. Kļūdas "
		"paziņojuma nav — lietotne vienkārši pazūd.",
		"Paldies par informāciju! Tā bija kļūda versijā 3.8.1, kas parādījās Android 14 "
		"tālruņos, ja sistēmas valoda nav angļu. Veikalā jau ir pieejama versija 3.8.2 ar "
		"labojumu — lūdzu, atjauniniet lietotni un dodiet ziņu, ja problēma atkārtojas."},
	[LT] = {{"Programėlė užsidaro vos paleista",
		 "Mobilioji programėlė užsidaro iškart po prisijungimo"},
		"Po paskutinio atnaujinimo mobilioji programėlė užsidaro iškart, kai tik "
		"prisijungiu. Bandžiau perkrauti telefoną ir iš naujo įdiegti programėlę, bet "
		"niekas nepadeda. Žiniatinklio versija veikia.",
		"Kokį telefono modelį ir kokią operacinės sistemos versiją naudojate, ir kokia "
		"programėlės versija rodoma parduotuvėje? Jei rodomas klaidos pranešimas, "
		"atsiųskite ir ekrano kopiją.",
		"Telefonas – Samsung Galaxy A52 su Android 14, programėlės versija 3.8.1. Klaidos "
		"pranešimo nėra, programėlė tiesiog išnyksta.",
		"Ačiū už informaciją! Tai buvo 3.8.1 versijos klaida Android 14 telefonuose, kai "
		"sistemos kalba nėra anglų. Parduotuvėje jau yra 3.8.2 versija su pataisymu – "
		"atnaujinkite programėlę ir praneškite, jei problema pasikartotų."},
	[RU] = {{"Приложение падает при запуске",
		 "Мобильное приложение закрывается сразу после входа"},
		"После последнего обновления мобильное приложение закрывается сразу после входа. "
		"Перезагрузка телефона и переустановка приложения не помогают. Веб-версия при этом "
		"работает.",
		"Какая у вас модель телефона и версия операционной системы, и какая версия "
		"приложения указана в магазине? Если появляется сообщение об ошибке, пришлите, "
		"пожалуйста, скриншот.",
		"Телефон Samsung Galaxy A52, Android 14, версия приложения 3.8.1. Сообщения об "
		"ошибке нет, приложение просто пропадает.",
		"Спасибо за подробности! Это ошибка версии 3.8.1 на Android 14, если язык системы "
		"не английский. В магазине уже есть версия 3.8.2 с исправлением — обновите, "
		"пожалуйста, приложение и напишите нам, если проблема всё ещё повторяется."},
	[EO] = {{"La aplikaĵo kraŝas tuj post lanĉo",
		 "La poŝtelefona aplikaĵo fermiĝas tuj post ensaluto"},
		"Ekde la lasta ĝisdatigo la poŝtelefona aplikaĵo fermiĝas tuj post kiam mi "
		"ensalutas. Mi provis restartigi la telefonon kaj reinstali la aplikaĵon, sed "
		"nenio helpas. La retversio ja funkcias.",
		"Kiun telefonmodelon kaj kiun version de la operaciumo vi uzas, kaj kiu versio de "
		"la aplikaĵo aperas en la vendejo? Se aperas erarmesaĝo, bonvolu sendi ankaŭ "
		"ekrankopion.",
		"Ĝi estas Samsung Galaxy A52 kun Android 14, versio de la aplikaĵo 3.8.1. Ne "
		"aperas erarmesaĝo, la aplikaĵo simple malaperas.",
		"Dankon pro la detaloj! Tio estis cimo en la versio 3.8.1 ĉe Android 14, kiam la "
		"sistema lingvo ne estas la angla. La versio 3.8.2 kun la korekto jam haveblas en "
		"la vendejo; bonvolu ĝisdatigi kaj sciigi nin, se la problemo ankoraŭ okazas."},
	},
},
{
	.tags = {"billing", "refund"}, .group = G_BILLING, .type = "question",
	.note = "Warehouse scanned the return but the refund job failed. Refunded manually in the "
		"payment provider's dashboard.",
	.t = {
	[EN] = {{"Refund for a cancelled order", "Requesting a refund"},
		"I cancelled my order within the 14-day return period and sent the item back, but "
		"I still have not received my money. The return reached your warehouse ten days "
		"ago.",
		"Could you send me the order number and the return tracking number, or a photo of "
		"the receipt? Then I can find the return in our warehouse system.",
		"Order 58177, return tracking number LT771020934. I have the receipt from the post "
		"office as well.",
		"The return was checked in, but the refund was not triggered automatically. The "
		"refund of the full amount to your card has now been started; banks usually need "
		"3–5 working days to show it on your statement."},
	[LV] = {{"Naudas atmaksa par atcelto pasūtījumu", "Lūdzu atmaksāt naudu"},
		"Atcēlu pasūtījumu 14 dienu atteikuma termiņā un nosūtīju preci atpakaļ, bet nauda "
		"joprojām nav atmaksāta. Sūtījums jūsu noliktavā tika piegādāts jau pirms desmit "
		"dienām.",
		"Lūdzu, atsūtiet pasūtījuma numuru un atpakaļsūtījuma izsekošanas numuru vai "
		"pirkuma čeka fotogrāfiju. Tad varēšu atrast sūtījumu mūsu noliktavas sistēmā.",
		"Pasūtījums 58177, atpakaļsūtījuma numurs LT771020934. Pasta čeks man arī ir.",
		"Jūsu sūtījums noliktavā tika reģistrēts, bet atmaksa automātiski neiesākās. "
		"Pilnas summas atmaksa uz jūsu karti ir uzsākta; bankām parasti vajag 3–5 darba "
		"dienas, līdz tā parādās konta izrakstā."},
	[LT] = {{"Pinigų grąžinimas už atšauktą užsakymą", "Prašau grąžinti pinigus"},
		"Atšaukiau užsakymą per 14 dienų grąžinimo terminą ir išsiunčiau prekę atgal, bet "
		"pinigai vis dar negrąžinti. Siunta jūsų sandėlį pasiekė prieš dešimt dienų.",
		"Atsiųskite, prašom, užsakymo numerį ir grąžinimo siuntos numerį arba kvito "
		"nuotrauką – tada rasiu siuntą mūsų sandėlio sistemoje.",
		"Užsakymas 58177, grąžinimo siuntos numeris LT771020934. Turiu ir pašto kvitą.",
		"Jūsų siunta sandėlyje buvo užregistruota, tačiau pinigų grąžinimas automatiškai "
		"nepradėtas. Visos sumos grąžinimas į jūsų kortelę jau pradėtas; bankams paprastai "
		"prireikia 3–5 darbo dienų, kol jis atsiranda sąskaitos išraše."},
	[RU] = {{"Возврат денег за отменённый заказ", "Прошу вернуть деньги"},
		"Заказ был отменён в течение 14 дней, товар отправлен обратно, но деньги до сих "
		"пор не вернулись. Посылка пришла на ваш склад ещё десять дней назад.",
		"Пришлите, пожалуйста, номер заказа и трек-номер возврата или фото чека — тогда я "
		"найду возврат в системе склада.",
		"Заказ 58177, трек-номер возврата LT771020934. Чек с почты у меня тоже есть.",
		"Посылку на складе приняли, но возврат средств почему-то не запустился "
		"автоматически. Мы оформили возврат всей суммы на вашу карту; обычно банку нужно "
		"3–5 рабочих дней, чтобы он отобразился в выписке."},
	[EO] = {{"Repago por nuligita mendo", "Mi petas repagon"},
		"Mi nuligis mian mendon dum la 14-taga revena periodo kaj resendis la varon, sed "
		"mi ankoraŭ ne ricevis mian monon. La pakaĵo alvenis al via deponejo antaŭ dek "
		"tagoj.",
		"Bonvolu sendi la numeron de la mendo kaj la spurnumeron de la resendo, aŭ foton "
		"de la kvitanco; tiam mi trovos la resendon en nia deponeja sistemo.",
		"Mendo 58177, spurnumero de la resendo LT771020934. Mi havas ankaŭ la kvitancon de "
		"la poŝtoficejo.",
		"La deponejo registris la resendon, sed la repago ne startis aŭtomate. Ni ekigis "
		"la repagon de la tuta sumo al via karto; bankoj kutime bezonas 3–5 labortagojn "
		"ĝis ĝi aperas en via konto-eltiraĵo."},
	},
},
{
	.tags = {"api", "integration"}, .needs_details = true,
	 .group = G_TECHNICAL, .type = "incident",
	.note = "Stack trace in the logs: custom field validation crashed on a missing value. "
		"Hotfix deployed, regression test added.",
	.t = {
	[EN] = {{"API returns 500 Internal Server Error",
		 "Integration requests fail with HTTP 500"},
		"Since this morning every POST to /api/v2/tickets from our CRM integration fails "
		"with HTTP 500. GET requests work fine. Nothing changed on our side.",
		"Could you send the exact request (without the token) and the time of one failing "
		"call, with the time zone? With that I can find it in our logs.",
		"Here is one: POST /api/v2/tickets.json at 09:14 UTC, body " API_BODY,
		"Thanks, that made it easy to find: a custom field without a \"value\" crashed the "
		"validation instead of returning 422. We deployed a fix an hour ago; such requests "
		"now get a clear 422 error. Please add \"value\" to the field and try again."},
	[LV] = {{"API atgriež 500 Internal Server Error",
		 "Integrācijas pieprasījumi beidzas ar HTTP 500"},
		"Kopš šī rīta katrs POST uz /api/v2/tickets no mūsu CRM integrācijas beidzas ar "
		"HTTP 500. GET pieprasījumi strādā normāli. Mūsu pusē nekas nav mainīts.",
		"Lūdzu, atsūtiet precīzu pieprasījumu (bez žetona) un viena neveiksmīgā izsaukuma "
		"laiku ar laika joslu — tad to atradīšu mūsu žurnālos.",
		"Lūk, viens no tiem: POST /api/v2/tickets.json plkst. 09:14 UTC, saturs " API_BODY,
		"Paldies, tā to bija viegli atrast: pielāgotais lauks bez \"value\" izraisīja "
		"kļūdu validācijā, nevis atgrieza 422. Labojums tika izvietots pirms stundas, un "
		"tagad šādi pieprasījumi saņem skaidru 422 kļūdu. Lūdzu, pievienojiet laukam "
		"\"value\" un mēģiniet vēlreiz."},
	[LT] = {{"API grąžina 500 Internal Server Error",
		 "Integracijos užklausos baigiasi HTTP 500 klaida"},
		"Nuo šio ryto kiekviena mūsų CRM integracijos POST užklausa į /api/v2/tickets "
		"baigiasi HTTP 500 klaida. GET užklausos veikia gerai. Mūsų pusėje niekas "
		"nesikeitė.",
		"Atsiųskite, prašom, tikslią užklausą (be prieigos rakto) ir vienos nepavykusios "
		"užklausos laiką su laiko juosta – tada rasiu ją mūsų žurnaluose.",
		"Štai viena iš jų: POST /api/v2/tickets.json 09:14 UTC, turinys " API_BODY,
		"Ačiū, taip ją rasti buvo lengva: pasirinktinis laukas be \"value\" sukeldavo "
		"klaidą tikrinimo metu, užuot grąžinęs 422. Pataisymą įdiegėme prieš valandą – "
		"dabar tokios užklausos gauna aiškią 422 klaidą. Pridėkite laukui \"value\" ir "
		"bandykite dar kartą."},
	[RU] = {{"API возвращает 500 Internal Server Error",
		 "Запросы интеграции падают с HTTP 500"},
		"С сегодняшнего утра каждый POST на /api/v2/tickets из нашей CRM-интеграции "
		"завершается ошибкой HTTP 500. GET-запросы работают нормально. С нашей стороны "
		"ничего не менялось.",
		"Пришлите, пожалуйста, точный запрос (без токена) и время одного неудачного вызова "
		"с часовым поясом — по ним я найду его в наших журналах.",
		"Вот один из них: POST /api/v2/tickets.json в 09:14 UTC, тело " API_BODY,
		"Спасибо, так его было легко найти: пользовательское поле без \"value\" приводило "
		"к сбою проверки вместо ответа 422. Час назад мы выкатили исправление, теперь "
		"такие запросы получают понятную ошибку 422. Добавьте, пожалуйста, полю \"value\" "
		"и повторите запрос."},
	[EO] = {{"La API redonas 500 Internal Server Error",
		 "Petoj de nia integraĵo fiaskas kun HTTP 500"},
		"Ekde ĉi-matene ĉiu POST al /api/v2/tickets el nia CRM-integraĵo fiaskas kun HTTP "
		"500. GET-petoj funkcias bone. Ĉe ni nenio ŝanĝiĝis.",
		"Bonvolu sendi la ĝustan peton (sen la ĵetono) kaj la horon de unu fiaskinta voko "
		"kun la horzono; per tio mi trovos ĝin en niaj protokoloj.",
		"Jen unu el ili: POST /api/v2/tickets.json je 09:14 UTC, korpo " API_BODY,
		"Dankon, tiel estis facile trovi ĝin: propra kampo sen \"value\" kraŝigis la "
		"validigon anstataŭ redoni 422. Ni instalis korekton antaŭ unu horo; nun tiaj "
		"petoj ricevas klaran eraron 422. Bonvolu aldoni \"value\" al la kampo kaj provi "
		"denove."},
	},
},
{
	.tags = {"account", "2fa"}, .needs_details = true,
	 .group = G_SUPPORT, .type = "question",
	.note = "Identity verified (last 4 digits of the card match). 2FA reset and lock cleared; "
		"noted in the security log.",
	.t = {
	[EN] = {{"Account locked after too many attempts", "Cannot sign in: account locked"},
		"I got a new phone and my two-factor codes no longer work. After a few tries the "
		"account is now locked. I need access today because I have to send reports to our "
		"clients.",
		"For security I need to confirm it is you: please reply from the e-mail address on "
		"the account and tell me the last four digits of the card we charge.",
		"I am writing from the address on the account. The card ends in 4417.",
		"Thank you, your identity is confirmed. Two-factor authentication is turned off "
		"and the account is unlocked. Please sign in and set up two-factor authentication "
		"again on your new phone right away."},
	[LV] = {{"Konts bloķēts pēc pārāk daudziem mēģinājumiem",
		 "Nevaru pieteikties — konts bloķēts"},
		"Man ir jauns telefons, un divfaktoru autentifikācijas kodi vairs nedarbojas. Pēc "
		"dažiem mēģinājumiem konts tagad ir bloķēts. Piekļuve vajadzīga jau šodien, jo "
		"jānosūta atskaites klientiem.",
		"Drošības nolūkos man jāpārliecinās, ka tas tiešām esat jūs: lūdzu, atbildiet no "
		"konta e-pasta adreses un norādiet tās kartes pēdējos četrus ciparus, no kuras "
		"iekasējam maksu.",
		"Rakstu no konta adreses. Kartes pēdējie cipari ir 4417.",
		"Paldies, jūsu identitāte ir apstiprināta. Divfaktoru autentifikācija ir izslēgta, "
		"un konts atbloķēts. Lūdzu, piesakieties un nekavējoties no jauna iestatiet "
		"divfaktoru autentifikāciju jaunajā telefonā."},
	[LT] = {{"Paskyra užblokuota po per daug bandymų",
		 "Negaliu prisijungti – paskyra užblokuota"},
		"Įsigijau naują telefoną, ir dviejų veiksnių autentifikavimo kodai nebetinka. Po "
		"kelių bandymų paskyra užblokuota. Prieiga man reikalinga šiandien, nes turiu "
		"išsiųsti ataskaitas klientams.",
		"Saugumo sumetimais turiu įsitikinti, kad tai tikrai jūs: atsakykite iš paskyros "
		"el. pašto adreso ir nurodykite paskutinius keturis kortelės, iš kurios "
		"nuskaičiuojame mokestį, skaitmenis.",
		"Rašau iš paskyros adreso. Kortelės paskutiniai skaitmenys – 4417.",
		"Ačiū, jūsų tapatybė patvirtinta. Dviejų veiksnių autentifikavimą išjungėme, o "
		"paskyrą atblokavome. Prisijunkite ir nedelsdami vėl įjunkite dviejų veiksnių "
		"autentifikavimą naujame telefone."},
	[RU] = {{"Аккаунт заблокирован после неудачных попыток входа",
		 "Не могу войти — учётная запись заблокирована"},
		"У меня новый телефон, и коды двухфакторной аутентификации больше не подходят. "
		"После нескольких попыток аккаунт заблокировали. Доступ нужен уже сегодня — надо "
		"отправить отчёты клиентам.",
		"В целях безопасности мне нужно убедиться, что это вы: ответьте, пожалуйста, с "
		"адреса, привязанного к аккаунту, и сообщите последние четыре цифры карты, с "
		"которой мы списываем оплату.",
		"Пишу с адреса, привязанного к аккаунту. Последние цифры карты — 4417.",
		"Спасибо, ваша личность подтверждена. Мы отключили двухфакторную аутентификацию и "
		"разблокировали аккаунт. Войдите, пожалуйста, и сразу же заново настройте "
		"двухфакторную аутентификацию на новом телефоне."},
	[EO] = {{"Konto blokita post tro multaj provoj",
		 "Mi ne povas ensaluti: la konto estas blokita"},
		"Mi ricevis novan telefonon, kaj la kodoj de la dufaktora aŭtentigo ne plu "
		"funkcias. Post kelkaj provoj la konto nun estas blokita. Mi bezonas aliron "
		"hodiaŭ, ĉar mi devas sendi raportojn al niaj klientoj.",
		"Pro sekureco mi devas certiĝi, ke temas pri vi: bonvolu respondi el la retpoŝta "
		"adreso de la konto kaj diri la lastajn kvar ciferojn de la karto, de kiu ni "
		"ŝargas.",
		"Mi skribas el la adreso de la konto. La karto finiĝas per 4417.",
		"Dankon, via identeco estas konfirmita. Ni malŝaltis la dufaktoran aŭtentigon kaj "
		"malblokis la konton. Bonvolu ensaluti kaj tuj reagordi la dufaktoran aŭtentigon "
		"en via nova telefono."},
	},
},
{
	.tags = {"billing", "plan-change"}, .group = G_BILLING, .type = "task",
	.note = "Plan change scheduled in billing for the 1st. Price confirmed with sales, no "
		"discount applies.",
	.t = {
	[EN] = {{"Upgrade to the Business plan", "Change our subscription plan"},
		"We would like to move from the Team plan to the Business plan from next month and "
		"add five more seats. Can you prepare this and tell us the new monthly price?",
		"Happy to help! Should the five new seats be billed from the first day of next "
		"month, and should the invoice go to the same billing contact as now?",
		"Yes, from the first day of next month, and the same billing contact please.",
		"Done: from the 1st of next month your company is on the Business plan with 17 "
		"seats. The new monthly price is €391 before VAT; the first invoice will show the "
		"change. Nothing else needs to be done on your side."},
	[LV] = {{"Pāreja uz Business plānu", "Abonēšanas plāna maiņa"},
		"Vēlamies no nākamā mēneša pāriet no Team plāna uz Business plānu un pievienot vēl "
		"piecas licences. Vai varat to sagatavot un pateikt jauno mēneša cenu?",
		"Labprāt palīdzēšu! Vai piecas jaunās licences jāiekļauj rēķinā no nākamā mēneša "
		"pirmās dienas, un vai rēķins jāsūta tai pašai kontaktpersonai kā līdz šim?",
		"Jā, no nākamā mēneša pirmās dienas, un, lūdzu, tai pašai kontaktpersonai.",
		"Gatavs: no nākamā mēneša 1. datuma jūsu uzņēmumam būs Business plāns ar 17 "
		"licencēm. Jaunā mēneša cena ir 391 € bez PVN; izmaiņas būs redzamas pirmajā "
		"rēķinā. Jums nekas vairāk nav jādara."},
	[LT] = {{"Perėjimas prie Business plano", "Prenumeratos plano keitimas"},
		"Nuo kito mėnesio norėtume pereiti nuo Team plano prie Business plano ir pridėti "
		"dar penkias licencijas. Ar galite tai paruošti ir pasakyti naują mėnesio kainą?",
		"Mielai padėsiu! Ar penkias naujas licencijas įtraukti į sąskaitą nuo kito mėnesio "
		"pirmosios dienos ir ar sąskaitą siųsti tam pačiam kontaktiniam asmeniui kaip iki "
		"šiol?",
		"Taip, nuo kito mėnesio pirmosios dienos, ir tam pačiam kontaktiniam asmeniui.",
		"Atlikta: nuo kito mėnesio 1 d. jūsų įmonė naudosis Business planu su 17 "
		"licencijų. Nauja mėnesio kaina – 391 € be PVM; pakeitimą matysite pirmojoje "
		"sąskaitoje. Jums daugiau nieko daryti nereikia."},
	[RU] = {{"Переход на тариф Business", "Смена тарифного плана"},
		"Со следующего месяца мы хотим перейти с тарифа Team на тариф Business и добавить "
		"ещё пять лицензий. Можете это подготовить и сообщить новую ежемесячную стоимость?",
		"С удовольствием поможем! Начислять пять новых лицензий с первого числа следующего "
		"месяца? И счёт отправлять тому же контактному лицу, что и сейчас?",
		"Да, с первого числа следующего месяца, и тому же контактному лицу, пожалуйста.",
		"Готово: с 1-го числа следующего месяца ваша компания переходит на тариф Business "
		"с 17 лицензиями. Новая стоимость — 391 € в месяц без НДС; изменение будет "
		"отражено в первом счёте. С вашей стороны больше ничего не требуется."},
	[EO] = {{"Transiro al la plano Business", "Ŝanĝo de nia abona plano"},
		"Ni ŝatus transiri de la plano Team al la plano Business ekde la venonta monato "
		"kaj aldoni kvin pliajn licencojn. Ĉu vi povas prepari tion kaj diri al ni la "
		"novan monatan prezon?",
		"Volonte! Ĉu ni fakturu la kvin novajn licencojn ekde la unua tago de la venonta "
		"monato, kaj ĉu la fakturo iru al la sama kontaktpersono kiel nun?",
		"Jes, ekde la unua tago de la venonta monato, kaj al la sama kontaktpersono, mi "
		"petas.",
		"Farite: ekde la 1-a de la venonta monato via firmao havos la planon Business kun "
		"17 licencoj. La nova monata prezo estas 391 € sen AVI; la ŝanĝo aperos en la unua "
		"fakturo. Vi bezonas fari nenion plian."},
	},
},
{
	.tags = {"export", "data"}, .group = G_TECHNICAL, .type = "task",
	.note = "Export job finished (about 180 MB zipped). Link sent, it expires in 7 days.",
	.t = {
	[EN] = {{"Export all our data to CSV", "Need a full data export"},
		"For our annual audit we need an export of all tickets and customer records from "
		"the last two years, ideally as CSV files. Is that possible, and how long would it "
		"take?",
		"Yes, that is possible. Do you also need the comments and attachments, or only the "
		"ticket fields and customer records?",
		"Ticket fields and comments are enough, attachments are not needed.",
		"The export is ready: you will find a download link in your e-mail, valid for 7 "
		"days. The archive contains tickets.csv, comments.csv and users.csv, all in "
		"UTF-8."},
	[LV] = {{"Visu mūsu datu eksports uz CSV", "Nepieciešams pilns datu eksports"},
		"Ikgadējam auditam mums vajag visu pieteikumu un klientu ierakstu eksportu par "
		"pēdējiem diviem gadiem, vēlams CSV formātā. Vai tas ir iespējams, un cik ilgi tas "
		"aizņems?",
		"Jā, tas ir iespējams. Vai jums vajag arī komentārus un pielikumus, vai tikai "
		"pieteikumu laukus un klientu ierakstus?",
		"Pietiek ar pieteikumu laukiem un komentāriem, pielikumi nav vajadzīgi.",
		"Eksports ir gatavs: lejupielādes saiti atradīsiet savā e-pastā, tā ir derīga 7 "
		"dienas. Arhīvā ir faili tickets.csv, comments.csv un users.csv, visi UTF-8 "
		"kodējumā."},
	[LT] = {{"Visų mūsų duomenų eksportas į CSV", "Reikia pilno duomenų eksporto"},
		"Metiniam auditui mums reikia visų užklausų ir klientų įrašų per pastaruosius "
		"dvejus metus eksporto, geriausia CSV failais. Ar tai įmanoma ir kiek laiko "
		"užtruktų?",
		"Taip, tai įmanoma. Ar jums reikia ir komentarų bei priedų, ar tik užklausų laukų "
		"ir klientų įrašų?",
		"Užtenka užklausų laukų ir komentarų, priedų nereikia.",
		"Eksportas paruoštas: atsisiuntimo nuorodą rasite savo el. pašte, ji galioja 7 "
		"dienas. Archyve yra failai tickets.csv, comments.csv ir users.csv, visi UTF-8 "
		"koduote."},
	[RU] = {{"Экспорт всех данных в CSV", "Нужна полная выгрузка данных"},
		"Для ежегодного аудита нам нужна выгрузка всех обращений и карточек клиентов за "
		"последние два года, желательно в CSV. Это возможно и сколько времени это займёт?",
		"Да, это возможно. Вам нужны также комментарии и вложения или только поля "
		"обращений и карточки клиентов?",
		"Достаточно полей обращений и комментариев, вложения не нужны.",
		"Выгрузка готова: ссылку для скачивания вы найдёте в письме, она действует 7 дней. "
		"В архиве файлы tickets.csv, comments.csv и users.csv, все в кодировке UTF-8."},
	[EO] = {{"Eksporto de ĉiuj niaj datumoj al CSV", "Ni bezonas plenan eksporton de datumoj"},
		"Por nia jara revizio ni bezonas eksporton de ĉiuj biletoj kaj klientaj registroj "
		"de la lastaj du jaroj, prefere kiel CSV-dosierojn. Ĉu tio eblas, kaj kiom longe "
		"ĝi daŭros?",
		"Jes, tio eblas. Ĉu vi bezonas ankaŭ la komentojn kaj kunsendaĵojn, aŭ nur la "
		"kampojn de la biletoj kaj la klientajn registrojn?",
		"Sufiĉas la kampoj de la biletoj kaj la komentoj, kunsendaĵojn ni ne bezonas.",
		"La eksporto estas preta: vi trovos elŝutan ligilon en via retpoŝto, valida dum 7 "
		"tagoj. La arĥivo enhavas tickets.csv, comments.csv kaj users.csv, ĉiujn en "
		"UTF-8."},
	},
},
{
	.tags = {"notifications", "email"}, .group = G_SUPPORT, .type = "incident",
	.note = "Bounces from the customer's mail server since Monday (SPF softfail). DNS fixed by "
		"ops, queue flushed.",
	.t = {
	[EN] = {{"E-mail notifications stopped arriving", "Not getting notification e-mails"},
		"Since Monday none of our team receives e-mail notifications about new comments. "
		"The settings look unchanged and the messages are not in spam either.",
		"Could you give me two or three addresses that should have received notifications, "
		"and the time of a comment that did not trigger one?",
		"For example my own address and my colleague's; yesterday's comment at 15:40 did "
		"not send anything.",
		"Your mail provider started rejecting our messages after a change in their SPF "
		"checks. We updated our sending domain records and resent the missed "
		"notifications. New notifications are arriving normally again."},
	[LV] = {{"Vairs nepienāk e-pasta paziņojumi", "Nesaņemam paziņojumus e-pastā"},
		"Kopš pirmdienas neviens no mūsu komandas nesaņem e-pasta paziņojumus par jauniem "
		"komentāriem. Iestatījumi nav mainīti, un surogātpastā vēstuļu arī nav.",
		"Lūdzu, norādiet divas vai trīs adreses, uz kurām vajadzēja pienākt paziņojumiem, "
		"un komentāra laiku, pēc kura paziņojums netika nosūtīts.",
		"Piemēram, mana adrese un kolēģa adrese; vakar plkst. 15:40 pievienotais komentārs "
		"neko neizsūtīja.",
		"Jūsu e-pasta pakalpojumu sniedzējs pēc SPF pārbaužu maiņas sāka noraidīt mūsu "
		"vēstules. Mēs atjauninājām sūtītāja domēna ierakstus un atkārtoti nosūtījām "
		"nepienākušos paziņojumus. Jaunie paziņojumi atkal pienāk kā parasti."},
	[LT] = {{"Nebeateina pranešimai el. paštu", "Negauname pranešimų el. paštu"},
		"Nuo pirmadienio niekas iš mūsų komandos negauna pranešimų el. paštu apie naujus "
		"komentarus. Nustatymai nepakeisti, šlamšte laiškų taip pat nėra.",
		"Nurodykite, prašom, du ar tris adresus, kuriais turėjo ateiti pranešimai, ir "
		"komentaro, po kurio pranešimas nebuvo išsiųstas, laiką.",
		"Pavyzdžiui, mano ir kolegos adresai; vakar 15:40 parašytas komentaras nieko "
		"neišsiuntė.",
		"Jūsų el. pašto paslaugų teikėjas, pakeitęs SPF tikrinimą, pradėjo atmesti mūsų "
		"laiškus. Atnaujinome siuntėjo domeno įrašus ir pakartotinai išsiuntėme "
		"neatėjusius pranešimus. Nauji pranešimai vėl ateina įprastai."},
	[RU] = {{"Перестали приходить уведомления по почте", "Не получаем уведомления на e-mail"},
		"С понедельника никто из нашей команды не получает уведомления по почте о новых "
		"комментариях. Настройки не менялись, в спаме писем тоже нет.",
		"Назовите, пожалуйста, два-три адреса, на которые должны были прийти уведомления, "
		"и время комментария, после которого уведомление не пришло.",
		"Например, мой адрес и адрес коллеги; вчерашний комментарий в 15:40 ничего не "
		"отправил.",
		"Ваш почтовый провайдер после изменения SPF-проверок начал отклонять наши письма. "
		"Мы обновили записи домена отправителя и повторно отправили пропущенные "
		"уведомления. Новые уведомления снова приходят как обычно."},
	[EO] = {{"Sciigoj per retpoŝto ne plu alvenas", "Ni ne ricevas sciigajn retmesaĝojn"},
		"Ekde lundo neniu el nia teamo ricevas retpoŝtajn sciigojn pri novaj komentoj. La "
		"agordoj ŝajnas neŝanĝitaj, kaj la mesaĝoj ne estas en la spamujo.",
		"Bonvolu doni du aŭ tri adresojn, kiuj devus esti ricevintaj sciigojn, kaj la "
		"horon de komento, kiu ne ekigis sciigon.",
		"Ekzemple mia propra adreso kaj tiu de mia kolego; la hieraŭa komento je 15:40 "
		"sendis nenion.",
		"Via retpoŝta provizanto komencis rifuzi niajn mesaĝojn post ŝanĝo de siaj "
		"SPF-kontroloj. Ni ĝisdatigis la registrojn de nia sendanta domajno kaj resendis "
		"la maltrafitajn sciigojn. Novaj sciigoj denove alvenas normale."},
	},
},
{
	.tags = {"billing", "payment"}, .group = G_BILLING, .type = "incident",
	.note = "Provider dashboard: the velocity risk rule blocked the card. Allow-listed for "
		"this customer.",
	.t = {
	[EN] = {{"Card payment declined", "Cannot pay the invoice by card"},
		"When I try to pay our latest invoice by card, the payment page says “declined” "
		"every time. The bank says there is no problem on their side and the card works "
		"elsewhere.",
		"Could you tell me at what time you tried last, and whether your bank asked for a "
		"3-D Secure confirmation in its app?",
		"The last try was today around 10:30. The bank app did not ask for any "
		"confirmation.",
		"Our payment provider blocked the card after several attempts in a row — a "
		"fraud-protection rule. The block has been lifted; please try once more. If you "
		"prefer, you can also pay by bank transfer using the details on the invoice."},
	[LV] = {{"Maksājums ar karti noraidīts", "Nevaru apmaksāt rēķinu ar karti"},
		"Mēģinot apmaksāt pēdējo rēķinu ar karti, maksājumu lapa katru reizi rāda "
		"„noraidīts“. Bankā saka, ka viņu pusē viss kārtībā, un citur karte darbojas.",
		"Lūdzu, pastāstiet, cikos mēģinājāt pēdējo reizi un vai banka savā lietotnē "
		"prasīja 3-D Secure apstiprinājumu?",
		"Pēdējais mēģinājums bija šodien ap 10:30. Bankas lietotne neko neprasīja "
		"apstiprināt.",
		"Mūsu maksājumu pakalpojumu sniedzējs pēc vairākiem secīgiem mēģinājumiem bloķēja "
		"karti — nostrādāja krāpšanas novēršanas noteikums. Bloķējums ir noņemts, lūdzu, "
		"mēģiniet vēlreiz. Ja vēlaties, varat maksāt arī ar pārskaitījumu, izmantojot "
		"rēķinā norādītos rekvizītus."},
	[LT] = {{"Mokėjimas kortele atmestas", "Negaliu apmokėti sąskaitos kortele"},
		"Bandant apmokėti paskutinę sąskaitą kortele, mokėjimo puslapis kaskart rodo "
		"„atmesta“. Banke sako, kad jų pusėje problemų nėra, o kitur kortelė veikia.",
		"Parašykite, prašom, kada bandėte paskutinį kartą ir ar bankas savo programėlėje "
		"prašė 3-D Secure patvirtinimo?",
		"Paskutinį kartą bandžiau šiandien apie 10:30. Banko programėlė nieko patvirtinti "
		"neprašė.",
		"Mūsų mokėjimų paslaugų teikėjas po kelių bandymų iš eilės užblokavo kortelę – "
		"suveikė apsaugos nuo sukčiavimo taisyklė. Blokavimas panaikintas, bandykite dar "
		"kartą. Jei patogiau, galite sumokėti ir pavedimu pagal sąskaitoje nurodytus "
		"rekvizitus."},
	[RU] = {{"Оплата картой отклонена", "Не получается оплатить счёт картой"},
		"При попытке оплатить последний счёт картой страница оплаты каждый раз пишет "
		"«отклонено». В банке говорят, что с их стороны проблем нет, и в других местах "
		"карта работает.",
		"Подскажите, пожалуйста, во сколько была последняя попытка и запрашивал ли банк "
		"подтверждение 3-D Secure в своём приложении?",
		"Последняя попытка была сегодня около 10:30. Приложение банка ничего подтвердить "
		"не просило.",
		"Наш платёжный провайдер заблокировал карту после нескольких попыток подряд — "
		"сработало правило защиты от мошенничества. Блокировка снята, попробуйте, "
		"пожалуйста, ещё раз. Если удобнее, можно оплатить и банковским переводом по "
		"реквизитам из счёта."},
	[EO] = {{"Pago per karto rifuzita", "Mi ne povas pagi la fakturon per karto"},
		"Kiam mi provas pagi nian lastan fakturon per karto, la pagpaĝo ĉiufoje montras "
		"„rifuzita“. La banko diras, ke ĉe ili ĉio estas en ordo, kaj la karto funkcias "
		"aliloke. Ĝi estas karto de ĉeĥa banko, se tio gravas.",
		"Bonvolu diri, je kioma horo vi laste provis, kaj ĉu via banko petis konfirmon 3-D "
		"Secure en sia aplikaĵo?",
		"La lasta provo estis hodiaŭ ĉirkaŭ la 10:30. La aplikaĵo de la banko petis nenian "
		"konfirmon.",
		"Nia pagoprovizanto blokis la karton post pluraj provoj sinsekve — ekagis regulo "
		"kontraŭ fraŭdo. La blokado estas nuligita; bonvolu provi denove. Se vi preferas, "
		"vi povas ankaŭ pagi per banka ĝiro laŭ la datumoj en la fakturo."},
	},
},
{
	.tags = {"feature-request", "ui"}, .group = G_SUPPORT, .type = "question",
	.note = "Feature request logged (+1 from this customer). Dark mode shipped in this week's "
		"release.",
	.t = {
	[EN] = {{"Is there a dark mode?", "Feature request: dark mode for the agent app"},
		"Our team works late shifts and the bright interface is tiring. Is there a dark "
		"mode, or is one planned?",
		"Thanks for the suggestion! Which parts would matter most for you — the ticket "
		"list, the reply editor, or everything?",
		"Mostly the ticket list and the editor, that is where we spend the whole shift.",
		"Good news: dark mode is available since this week. You can turn it on under "
		"Profile → Appearance; by default it follows the system setting."},
	[LV] = {{"Vai ir pieejams tumšais režīms?", "Ieteikums: tumšais režīms aģentu lietotnei"},
		"Mūsu komanda strādā vēlās maiņās, un gaišā saskarne nogurdina acis. Vai ir "
		"tumšais režīms, vai to plānots ieviest?",
		"Paldies par ieteikumu! Kuras daļas jums ir svarīgākās — pieteikumu saraksts, "
		"atbildes redaktors vai viss?",
		"Galvenokārt pieteikumu saraksts un redaktors, tur paiet visa maiņa.",
		"Labas ziņas: tumšais režīms ir pieejams kopš šīs nedēļas. To var ieslēgt sadaļā "
		"Profils → Izskats; pēc noklusējuma tas seko sistēmas iestatījumam."},
	[LT] = {{"Ar yra tamsusis režimas?", "Pasiūlymas: tamsusis režimas agentų programėlei"},
		"Mūsų komanda dirba vėlyvomis pamainomis, o šviesi sąsaja vargina akis. Ar yra "
		"tamsusis režimas, o gal jį planuojama įdiegti?",
		"Ačiū už pasiūlymą! Kurios dalys jums svarbiausios – užklausų sąrašas, atsakymo "
		"redaktorius ar viskas?",
		"Daugiausia užklausų sąrašas ir redaktorius – ten praleidžiame visą pamainą.",
		"Geros žinios: tamsusis režimas pasiekiamas nuo šios savaitės. Jį įjungsite "
		"skiltyje Profilis → Išvaizda; pagal numatytuosius nustatymus jis atitinka "
		"sistemos nustatymą."},
	[RU] = {{"Есть ли тёмная тема?", "Пожелание: тёмная тема в приложении агента"},
		"Наша команда работает в вечерние смены, и от светлого интерфейса устают глаза. "
		"Есть ли тёмная тема или её планируют добавить?",
		"Спасибо за предложение! Что для вас важнее всего — список обращений, редактор "
		"ответа или всё сразу?",
		"В основном список обращений и редактор — там проходит вся смена.",
		"Хорошие новости: тёмная тема доступна с этой недели. Включить её можно в разделе "
		"Профиль → Оформление; по умолчанию она следует настройке системы."},
	[EO] = {{"Ĉu ekzistas malhela reĝimo?", "Propono: malhela reĝimo por la agenta aplikaĵo"},
		"Nia teamo laboras en malfruaj deĵoroj, kaj la hela interfaco lacigas la okulojn. "
		"Ĉu ekzistas malhela reĝimo, aŭ ĉu ĝi estas planata?",
		"Dankon pro la propono! Kiuj partoj plej gravas por vi — la listo de biletoj, la "
		"redaktilo de respondoj aŭ ĉio?",
		"Ĉefe la listo de biletoj kaj la redaktilo; tie pasas la tuta deĵoro.",
		"Bonaj novaĵoj: malhela reĝimo haveblas ekde ĉi tiu semajno. Vi povas ŝalti ĝin en "
		"Profilo → Aspekto; defaŭlte ĝi sekvas la sisteman agordon."},
	},
},
};

/* ------------------------------------------------------------------------------------------
 * People
 * ------------------------------------------------------------------------------------------ */

static const struct {
	const char *name, *description;
	bool is_default;
} groups[NGROUPS] = {
	[G_SUPPORT] = {"Support", "First line: accounts, deliveries, notifications", true},
	[G_BILLING] = {"Billing", "Invoices, payments, refunds and plans", false},
	[G_TECHNICAL] = {"Technical", "The app, the API and integrations", false},
};

#define L(x) (1u << (x))
static const struct {
	const char *name, *email;
	enum lang locale; /* the agent's own language */
	unsigned langs;   /* languages the agent answers in */
	unsigned groups;  /* bit per group */
} agents[] = {
	{"Anna Kalniņa", "anna.kalnina@helpo.test", LV, L(LV) | L(EN) | L(RU),
	 L(G_SUPPORT) | L(G_TECHNICAL)},
	{"Roberts Ozoliņš", "roberts.ozolins@helpo.test", LV, L(LV) | L(EN),
	 L(G_BILLING) | L(G_TECHNICAL)},
	{"Lukas Kazlauskas", "lukas.kazlauskas@helpo.test", LT, L(LT) | L(EN) | L(RU),
	 L(G_SUPPORT) | L(G_TECHNICAL)},
	{"Greta Jonaitytė", "greta.jonaityte@helpo.test", LT, L(LT) | L(EN), L(G_BILLING)},
	{"Мария Иванова", "maria.ivanova@helpo.test", RU, L(RU) | L(LV) | L(EN),
	 L(G_SUPPORT) | L(G_BILLING)},
	{"Никита Соловьёв", "nikita.solovyov@helpo.test", RU, L(RU) | L(EN), L(G_TECHNICAL)},
	{"Ĵozefina Ŝmid", "jozefina.smid@helpo.test", EO, L(EO) | L(EN) | L(LT),
	 L(G_SUPPORT) | L(G_BILLING) | L(G_TECHNICAL)},
	{"Sarah Collins", "sarah.collins@helpo.test", EN, L(EN), L(G_SUPPORT) | L(G_BILLING)},
};
#define NAGENTS ((int)ARRAY_SIZE(agents))

static const struct {
	const char *name, *domain, *details;
	bool shared, vip;
} orgs[] = {
	{"Rīgas Piens", "rigaspiens.example", "Dairy producer, Riga", true, true},
	{"Baltijas Loģistika", "baltlog.example", "Freight forwarding, Ventspils", false, false},
	{"Vilniaus Duona", "vilniausduona.example", "Bakery chain, Vilnius", true, false},
	{"Kauno Šviesa", "kaunosviesa.example", "Lighting wholesale, Kaunas", false, false},
	{"Северный Ветер", "severveter.example", "Wind-farm services", true, false},
	{"Verda Stelo", "verdastelo.example", "Esperanto book club and publisher", true, false},
	{"Northwind Traders", "northwind.example", "Import and export, London", false, false},
	{"Acme Analytics", "acme-analytics.example", "Data consultancy, Dublin", true, true},
};
#define NORGS ((int)ARRAY_SIZE(orgs))

/* Customers: the e-mail's local part; org -1 = a private person (domain by language). */
static const struct {
	const char *name, *local;
	enum lang lang;
	int org;
} customers[] = {
	{"Jānis Bērziņš", "janis.berzins", LV, 0},
	{"Līga Ozoliņa", "liga.ozolina", LV, 0},
	{"Kārlis Kalniņš", "karlis.kalnins", LV, 0},
	{"Ilze Liepiņa", "ilze.liepina", LV, 1},
	{"Andris Krūmiņš", "andris.krumins", LV, 1},
	{"Dace Zariņa", "dace.zarina", LV, -1},
	{"Mārtiņš Ozols", "martins.ozols", LV, -1},
	{"Inese Vītola", "inese.vitola", LV, -1},
	{"Edgars Jansons", "edgars.jansons", LV, 1},
	{"Zane Pētersone", "zane.petersone", LV, -1},
	{"Raimonds Šteins", "raimonds.steins", LV, -1},
	{"Gunta Ķēniņa", "gunta.kenina", LV, -1},
	{"Jonas Petrauskas", "jonas.petrauskas", LT, 2},
	{"Rūta Kazlauskienė", "ruta.kazlauskiene", LT, 2},
	{"Tomas Jankauskas", "tomas.jankauskas", LT, 2},
	{"Eglė Stankevičiūtė", "egle.stankeviciute", LT, 3},
	{"Mindaugas Žukauskas", "mindaugas.zukauskas", LT, 3},
	{"Aušra Vasiliauskienė", "ausra.vasiliauskiene", LT, -1},
	{"Darius Paulauskas", "darius.paulauskas", LT, -1},
	{"Gintarė Butkutė", "gintare.butkute", LT, -1},
	{"Vytautas Šimkus", "vytautas.simkus", LT, 3},
	{"Ieva Urbonaitė", "ieva.urbonaite", LT, -1},
	{"Justė Navickaitė", "juste.navickaite", LT, -1},
	{"Andrius Balčiūnas", "andrius.balciunas", LT, -1},
	{"Алексей Смирнов", "aleksej.smirnov", RU, 4},
	{"Ольга Кузнецова", "olga.kuznecova", RU, 4},
	{"Дмитрий Попов", "dmitrij.popov", RU, 4},
	{"Наталья Соколова", "natalja.sokolova", RU, -1},
	{"Сергей Лебедев", "sergej.lebedev", RU, -1},
	{"Ирина Козлова", "irina.kozlova", RU, 1},
	{"Пётр Новиков", "pjotr.novikov", RU, -1},
	{"Артём Морозов", "artjom.morozov", RU, 4},
	{"Екатерина Волкова", "ekaterina.volkova", RU, -1},
	{"Фёдор Алексеев", "fjodor.alekseev", RU, -1},
	{"Алёна Павлова", "aljona.pavlova", RU, 0},
	{"Михаил Фёдоров", "mihail.fjodorov", RU, -1},
	{"Saŝa Ĉernova", "sasha.chernova", EO, 5},
	{"Ŝtefano Ĥorvat", "stefano.horvat", EO, 5},
	{"Eŭgenia Lund", "eugenia.lund", EO, 5},
	{"Ĵano Bruno", "jano.bruno", EO, -1},
	{"Aŭrora Ĝordan", "aurora.gordan", EO, 5},
	{"Miĥaelo Verda", "mihaelo.verda", EO, -1},
	{"Paŭlo Ŝulco", "paulo.sulco", EO, -1},
	{"Anĝela Marko", "angela.marko", EO, 5},
	{"Ĝemo Pereira", "gemo.pereira", EO, -1},
	{"Lucio Ĉanto", "lucio.canto", EO, -1},
	{"Klara Ŭeber", "klara.weber", EO, -1},
	{"Ĵoel Santos", "joel.santos", EO, -1},
	{"Emma Thompson", "emma.thompson", EN, 6},
	{"James Carter", "james.carter", EN, 6},
	{"Olivia Bennett", "olivia.bennett", EN, 7},
	{"Liam O'Brien", "liam.obrien", EN, 7},
	{"Sophie Walker", "sophie.walker", EN, 7},
	{"Noah Patel", "noah.patel", EN, -1},
	{"Grace Miller", "grace.miller", EN, 6},
	{"Henry Adams", "henry.adams", EN, -1},
	{"Chloe Davies", "chloe.davies", EN, -1},
	{"Jack Wilson", "jack.wilson", EN, 7},
	{"Amelia Hughes", "amelia.hughes", EN, -1},
	{"Oscar Reid", "oscar.reid", EN, -1},
};
#define NCUST ((int)ARRAY_SIZE(customers))

/* Where private persons' mail lives, by language (reserved .example names: never real). */
static const char *const lang_tz[NLANG] = {
	[EN] = "Europe/London", [LV] = "Europe/Riga", [LT] = "Europe/Vilnius",
	[RU] = "Europe/Moscow", [EO] = "Europe/Berlin",
};
static const char *const home_domain[NLANG] = {
	[EN] = "mail.example", [LV] = "inbox-lv.example", [LT] = "pastas-lt.example",
	[RU] = "pochta-ru.example", [EO] = "retposxto.example",
};

/* clang-format on */

/* ------------------------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------------------------ */

/* What one step of a conversation does. */
enum kind {
	K_CREATE,   /* the customer's question opens the ticket */
	K_TRIAGE,   /* the system sets group, priority and tags on a ticket from the web form */
	K_ASK,      /* agent: public reply asking for details */
	K_WAIT,     /* agent: public reply "we are on it" */
	K_ANSWER,   /* agent: public reply with the solution */
	K_CLOSE,    /* agent: public "glad it works" */
	K_NOTE,     /* agent: internal note */
	K_HOLD,     /* agent: internal note, ticket on hold */
	K_DETAILS,  /* customer: the details asked for */
	K_NUDGE,    /* customer: "any news?" */
	K_THANKS,   /* customer: "it works" */
	K_SOLVE,    /* agent: status solved, no comment */
	K_ESCALATE, /* agent: adds the "escalated" tag */
	K_CLOSED,   /* system: closes a solved ticket */
};

struct step {
	enum kind kind;
	const char *status; /* status set by this step, NULL for none */
	int64_t at;         /* when it happened (ms) */
};

#define MAX_STEPS 12

/* After each desk call: the highest event and comment ids so far and the time the call
 * pretends to have happened at; backdate() turns these into timestamps. */
struct stamp {
	int64_t event_hi, comment_hi, at;
};

struct tick {
	int64_t id, created, updated, solved;
};

struct demo {
	struct db *db;
	uint64_t rng;
	int64_t now, start;
	struct desk_actor sys;
	struct desk_err err;
	int64_t group_id[NGROUPS];
	int64_t org_id[NORGS];
	int64_t agent_id[NAGENTS];
	int64_t cust_id[NCUST];
	struct desk_actor agent[NAGENTS], cust[NCUST];
	int64_t admin_id;
	struct stamp *stamps;
	size_t nstamps, capstamps;
	struct tick ticks[DEMO_TICKETS];
	int nticks;
};

/* ---- randomness (xorshift64*: tiny, deterministic, plenty for demo data) ---- */

static uint64_t rnd_next(struct demo *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return d->rng * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static int rnd(struct demo *d, int n)
{
	return (int)(rnd_next(d) % (uint64_t)n);
}

/* Uniform in [lo, hi). */
static int64_t rnd_range(struct demo *d, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd_next(d) % (uint64_t)(hi - lo));
}

static double rnd_unit(struct demo *d)
{
	return (double)(rnd_next(d) >> 11) / 9007199254740992.0;
}

/* Picks an index by weight; weights sum to anything positive. */
static int rnd_weighted(struct demo *d, const int *w, int n)
{
	int total = 0, r;
	for (int i = 0; i < n; i++)
		total += w[i];
	r = rnd(d, total);
	for (int i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

/* ---- small helpers ---- */

static int fail(struct demo *d, const char *what, int rc)
{
	log_error("demo: %s failed: %s%s%s%s%s", what, helpo_strerror(rc),
	          d->err.field[0] || d->err.message[0] ? " (" : "", d->err.field,
	          d->err.field[0] && d->err.message[0] ? ": " : "", d->err.message);
	return rc;
}

static int64_t rec_id(json_t *rec)
{
	return (int64_t)json_integer_value(json_object_get(rec, "id"));
}

/* Copies the first word of a name. */
static void first_name(const char *full, char *out, size_t n)
{
	size_t len = strcspn(full, " ");
	snprintf(out, n, "%.*s", (int)len, full);
}

/* Appends a phrase, replacing {n} with name. */
static void put(struct buf *b, const char *phrase, const char *name)
{
	const char *p = phrase, *hole;
	while ((hole = strstr(p, "{n}"))) {
		buf_add(b, p, (size_t)(hole - p));
		buf_adds(b, name);
		p = hole + 3;
	}
	buf_adds(b, p);
}

/* Remembers where the ids stand after a desk call that pretends to have happened at `at`. */
static int stamp(struct demo *d, int64_t at)
{
	struct stamp s = {0, 0, at};
	int rc;
	if ((rc = db_int(d->db, &s.event_hi, "SELECT coalesce(max(id), 0) FROM events", "")) ||
	    (rc = db_int(d->db, &s.comment_hi, "SELECT coalesce(max(id), 0) FROM comments", "")))
		return rc;
	if (d->nstamps == d->capstamps) {
		size_t cap = d->capstamps ? d->capstamps * 2 : 2048;
		struct stamp *n = realloc(d->stamps, cap * sizeof *n);
		if (!n)
			return HELPO_ENOMEM;
		d->stamps = n;
		d->capstamps = cap;
	}
	d->stamps[d->nstamps++] = s;
	return 0;
}

/* ---- people ---- */

static int make_groups(struct demo *d)
{
	for (int g = 0; g < NGROUPS; g++) {
		json_t *in = json_pack("{s:s,s:s,s:b}", "name", groups[g].name, "description",
		                       groups[g].description, "default", groups[g].is_default),
		       *out = NULL;
		int rc = desk_group_create(d->db, &d->sys, in, &out, &d->err);
		json_decref(in);
		if (rc)
			return fail(d, "creating a group", rc);
		d->group_id[g] = rec_id(out);
		json_decref(out);
	}
	return 0;
}

static int make_orgs(struct demo *d)
{
	for (int o = 0; o < NORGS; o++) {
		json_t *in = json_pack("{s:s,s:s,s:[s],s:b,s:b}", "name", orgs[o].name, "details",
		                       orgs[o].details, "domain_names", orgs[o].domain,
		                       "shared_tickets", orgs[o].shared, "shared_comments",
		                       orgs[o].shared),
		       *out = NULL;
		int rc;
		if (orgs[o].vip)
			json_object_set_new(in, "tags", json_pack("[s]", "vip"));
		rc = desk_org_create(d->db, &d->sys, in, &out, &d->err);
		json_decref(in);
		if (rc)
			return fail(d, "creating an organization", rc);
		d->org_id[o] = rec_id(out);
		json_decref(out);
	}
	return 0;
}

static int make_user(struct demo *d, const char *name, const char *email, const char *role,
                     enum lang lang, int64_t org, int64_t *id)
{
	json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}", "name", name, "email", email, "role",
	                       role, "locale", lang_code[lang], "time_zone", lang_tz[lang],
	                       "verified", 1),
	       *out = NULL;
	int rc;
	if (org)
		json_object_set_new(in, "organization_id", json_integer(org));
	rc = desk_user_create(d->db, &d->sys, in, &out, &d->err);
	json_decref(in);
	if (rc)
		return rc;
	*id = rec_id(out);
	json_decref(out);
	return 0;
}

static int make_agents(struct demo *d)
{
	int rc;
	for (int a = 0; a < NAGENTS; a++) {
		if ((rc = make_user(d, agents[a].name, agents[a].email, "agent", agents[a].locale,
		                    0, &d->agent_id[a])))
			return fail(d, "creating an agent", rc);
		if ((rc = desk_user_set_password(d->db, &d->sys, d->agent_id[a],
		                                 DEMO_AGENT_PASSWORD, &d->err)))
			return fail(d, "setting an agent's password", rc);
		for (int g = 0; g < NGROUPS; g++) {
			json_t *in, *out = NULL;
			if (!(agents[a].groups & L(g)))
				continue;
			in = json_pack("{s:I,s:I}", "user_id", (json_int_t)d->agent_id[a],
			               "group_id", (json_int_t)d->group_id[g]);
			rc = desk_membership_create(d->db, &d->sys, in, &out, &d->err);
			json_decref(in);
			json_decref(out);
			if (rc)
				return fail(d, "adding an agent to a group", rc);
		}
		if ((rc = desk_actor_load(d->db, d->agent_id[a], &d->agent[a])))
			return fail(d, "loading an agent", rc);
	}
	return 0;
}

static int make_customers(struct demo *d)
{
	char email[128];
	int rc;
	for (int c = 0; c < NCUST; c++) {
		int o = customers[c].org;
		snprintf(email, sizeof email, "%s@%s", customers[c].local,
		         o >= 0 ? orgs[o].domain : home_domain[customers[c].lang]);
		if ((rc = make_user(d, customers[c].name, email, "end-user", customers[c].lang,
		                    o >= 0 ? d->org_id[o] : 0, &d->cust_id[c])))
			return fail(d, "creating a customer", rc);
		if ((rc = desk_actor_load(d->db, d->cust_id[c], &d->cust[c])))
			return fail(d, "loading a customer", rc);
	}
	return 0;
}

static int make_people(struct demo *d, char *admin_password, size_t plen)
{
	char token[CRYPTO_TOKEN_CHARS + 1];
	int rc;
	if ((rc = make_user(d, "Admin", DEMO_ADMIN_EMAIL, "admin", EN, 0, &d->admin_id)))
		return fail(d, "creating the admin", rc);
	crypto_token(token); /* 43 base64url characters; 24 of them are 144 random bits */
	snprintf(admin_password, plen, "%.24s", token);
	if ((rc = desk_user_set_password(d->db, &d->sys, d->admin_id, admin_password, &d->err)))
		return fail(d, "setting the admin's password", rc);
	if ((rc = make_groups(d)) || (rc = make_orgs(d)) || (rc = make_agents(d)) ||
	    (rc = make_customers(d)))
		return rc;
	return stamp(d, d->start - 10 * DAY);
}

/* ---- tickets: planning ---- */

enum channel { CH_EMAIL, CH_WEB, CH_CHAT, CH_API };
static const char *const channel_name[] = {"email", "web", "chat", "api"};
static const char *const priorities[] = {"low", "normal", "high", "urgent"};
static const char *const finals[] = {"new", "open", "pending", "hold", "solved", "closed"};

struct plan {
	int cust, topic, subject, handler;
	enum lang lang;
	enum channel channel;
	const char *priority, *type, *final;
	bool assign; /* the handler takes the ticket on the first agent step */
	int64_t created;
	struct step steps[MAX_STEPS];
	int nsteps;
};

static void add(struct plan *p, enum kind k, const char *status)
{
	helpo_assert(p->nsteps < MAX_STEPS);
	p->steps[p->nsteps].kind = k;
	p->steps[p->nsteps].status = status;
	p->nsteps++;
}

/* The status a ticket ends in: young tickets are still being worked on, old ones closed. */
static const char *pick_final(struct demo *d, int64_t age)
{
	static const int young[] = {40, 35, 16, 3, 6, 0}, week[] = {20, 32, 20, 8, 20, 0},
	                 month[] = {5, 16, 16, 8, 38, 17}, old[] = {0, 4, 4, 3, 24, 65};
	const int *w = age < 2 * DAY ? young : age < 7 * DAY ? week : age < 21 * DAY ? month : old;
	return finals[rnd_weighted(d, w, 6)];
}

/* An agent of the topic's group who speaks the language (any of the group if nobody does). */
static int pick_handler(struct demo *d, int group, enum lang lang)
{
	int cand[NAGENTS], n = 0;
	for (int pass = 0; pass < 2 && !n; pass++)
		for (int a = 0; a < NAGENTS; a++)
			if ((agents[a].groups & L(group)) && (pass || (agents[a].langs & L(lang))))
				cand[n++] = a;
	return cand[rnd(d, n)];
}

/* The conversation: which steps, ending in p->final. */
static void script(struct demo *d, struct plan *p)
{
	const char *f = p->final;
	bool closed = !strcmp(f, "closed");
	add(p, K_CREATE, NULL);
	if (p->channel == CH_WEB)
		add(p, K_TRIAGE, NULL);
	if (!strcmp(f, "new")) {
		add(p, rnd(d, 2) ? K_NUDGE : K_NOTE, NULL);
	} else if (!strcmp(f, "open")) {
		switch (rnd(d, 3)) {
		case 0:
			add(p, K_ASK, NULL);
			add(p, K_DETAILS, NULL);
			if (rnd(d, 2))
				add(p, K_NOTE, NULL);
			break;
		case 1:
			add(p, K_NOTE, NULL);
			add(p, K_WAIT, NULL);
			break;
		default:
			add(p, K_ASK, "pending");
			add(p, K_DETAILS, NULL);
			add(p, K_NOTE, NULL);
		}
	} else if (!strcmp(f, "pending")) {
		switch (rnd(d, 3)) {
		case 0:
			add(p, K_ASK, "pending");
			break;
		case 1:
			add(p, K_NOTE, NULL);
			add(p, K_ASK, "pending");
			break;
		default:
			add(p, K_WAIT, NULL);
			add(p, K_NOTE, NULL);
			add(p, K_ASK, "pending");
		}
	} else if (!strcmp(f, "hold")) {
		if (rnd(d, 2)) {
			add(p, K_WAIT, NULL);
		} else {
			add(p, K_ASK, "pending");
			add(p, K_DETAILS, NULL);
		}
		add(p, K_HOLD, "hold");
	} else { /* solved or closed */
		switch (topics[p->topic].needs_details ? 1 + rnd(d, 2) : rnd(d, 5)) {
		case 0:
			add(p, K_ANSWER, "solved");
			break;
		case 1:
			add(p, K_ASK, "pending");
			add(p, K_DETAILS, NULL);
			add(p, K_ANSWER, "solved");
			break;
		case 2:
			add(p, K_ASK, "pending");
			add(p, K_DETAILS, NULL);
			add(p, K_NOTE, NULL);
			add(p, K_ANSWER, "pending");
			add(p, K_THANKS, NULL);
			add(p, K_SOLVE, "solved");
			break;
		case 3:
			add(p, K_WAIT, NULL);
			add(p, K_NOTE, NULL);
			add(p, K_ANSWER, "solved");
			break;
		default:
			add(p, K_ANSWER, "pending");
			add(p, K_THANKS, NULL);
			add(p, K_CLOSE, "solved");
		}
		if (closed)
			add(p, K_CLOSED, "closed");
	}
	/* urgent and high tickets sometimes get escalated right after the first agent reply */
	if (p->priority && (!strcmp(p->priority, "urgent") || !strcmp(p->priority, "high")) &&
	    rnd(d, 10) < 3 && strcmp(f, "new")) {
		for (int i = 1; i < p->nsteps; i++) {
			enum kind k = p->steps[i].kind;
			if (k == K_ASK || k == K_WAIT || k == K_ANSWER || k == K_NOTE) {
				memmove(&p->steps[i + 2], &p->steps[i + 1],
				        (size_t)(p->nsteps - i - 1) * sizeof p->steps[0]);
				p->steps[i + 1] = (struct step){K_ESCALATE, NULL, 0};
				p->nsteps++;
				break;
			}
		}
	}
}

/* How long after the previous step a step happens. */
static int64_t delay(struct demo *d, const struct plan *p, enum kind k)
{
	const char *pr = p->priority ? p->priority : "normal";
	switch (k) {
	case K_TRIAGE:
		return rnd_range(d, MINUTE, 5 * MINUTE);
	case K_ASK:
	case K_WAIT:
	case K_ANSWER:
	case K_CLOSE:
		if (!strcmp(pr, "urgent"))
			return rnd_range(d, 5 * MINUTE, HOUR);
		if (!strcmp(pr, "high"))
			return rnd_range(d, 15 * MINUTE, 4 * HOUR);
		if (!strcmp(pr, "normal"))
			return rnd_range(d, 30 * MINUTE, 12 * HOUR);
		return rnd_range(d, HOUR, 30 * HOUR);
	case K_NOTE:
	case K_HOLD:
	case K_ESCALATE:
		return rnd_range(d, 5 * MINUTE, 2 * HOUR);
	case K_DETAILS:
	case K_NUDGE:
	case K_THANKS:
		return rnd_range(d, 20 * MINUTE, 30 * HOUR);
	case K_SOLVE:
		return rnd_range(d, 10 * MINUTE, 3 * HOUR);
	case K_CLOSED:
		return rnd_range(d, 4 * DAY, 6 * DAY);
	case K_CREATE:
		break;
	}
	return 0;
}

/* Times every step; squeezes the conversation when it would run past "now". */
static void schedule(struct demo *d, struct plan *p)
{
	int64_t t = p->created, slack = rnd_range(d, 2 * MINUTE, 3 * HOUR), limit, span;
	if (slack > (d->now - p->created) / 2)
		slack = (d->now - p->created) / 2;
	limit = d->now - slack; /* the last step lands a little before "now", not all at once */
	p->steps[0].at = t;
	for (int i = 1; i < p->nsteps; i++)
		p->steps[i].at = t += delay(d, p, p->steps[i].kind);
	span = p->steps[p->nsteps - 1].at - p->created;
	if (p->steps[p->nsteps - 1].at > limit && span > 0) {
		double k = (double)(limit - p->created) / (double)span;
		for (int i = 1; i < p->nsteps; i++)
			p->steps[i].at =
			    p->created + (int64_t)((double)(p->steps[i].at - p->created) * k);
	}
	for (int i = 1; i < p->nsteps; i++) /* keep them apart and in order */
		if (p->steps[i].at <= p->steps[i - 1].at)
			p->steps[i].at = p->steps[i - 1].at + 1000;
}

static void plan_ticket(struct demo *d, struct plan *p, int64_t created)
{
	static const int prio_w[] = {15, 50, 25, 10};
	const struct topic *t;
	memset(p, 0, sizeof *p);
	p->created = created;
	p->cust = rnd(d, NCUST);
	p->topic = rnd(d, (int)ARRAY_SIZE(topics));
	p->subject = rnd(d, 2);
	t = &topics[p->topic];
	p->lang = customers[p->cust].lang;
	if (p->lang != EN && rnd(d, 10) == 0)
		p->lang = EN; /* some write in English anyway */
	p->handler = pick_handler(d, t->group, p->lang);
	p->channel = (enum channel)rnd_weighted(d, (const int[]){45, 25, 15, 15}, 4);
	p->priority = rnd(d, 10) ? priorities[rnd_weighted(d, prio_w, 4)] : NULL;
	p->type = t->type;
	if (!strcmp(p->type, "incident") && rnd(d, 12) == 0)
		p->type = "problem";
	p->final = pick_final(d, d->now - created);
	p->assign = strcmp(p->final, "new") && rnd(d, 100) < 85;
	script(d, p);
	schedule(d, p);
}

/* ---- tickets: carrying out a plan ---- */

/* The text of a step's comment, or NULL for steps without one. Caller frees. */
static char *compose(struct demo *d, const struct plan *p, enum kind k, bool first_reply,
                     bool topical)
{
	const struct topic_text *tt = &topics[p->topic].t[p->lang];
	const char *cname = customers[p->cust].name;
	char cfirst[64], afirst[64];
	struct buf b = BUF_INIT(16384);
	enum lang l = p->lang;
	first_name(cname, cfirst, sizeof cfirst);
	first_name(agents[p->handler].name, afirst, sizeof afirst);
	switch (k) {
	case K_CREATE:
		put(&b, cust_hello[l][rnd(d, 3)], cfirst);
		buf_adds(&b, "\n\n");
		buf_adds(&b, tt->question);
		buf_adds(&b, "\n\n");
		buf_adds(&b, cust_bye[l][rnd(d, 3)]);
		buf_adds(&b, "\n");
		buf_adds(&b, cname);
		break;
	case K_ASK:
	case K_WAIT:
	case K_ANSWER:
		put(&b, agent_hello[l][rnd(d, 2)], cfirst);
		buf_adds(&b, "\n\n");
		if (first_reply) {
			buf_adds(&b, agent_thanks[l][rnd(d, 2)]);
			buf_adds(&b, " ");
		}
		buf_adds(&b, k == K_ASK      ? tt->ask
		             : k == K_ANSWER ? tt->answer
		                             : agent_wait[l][rnd(d, 2)]);
		buf_adds(&b, "\n\n");
		put(&b, agent_bye[l][rnd(d, 2)], afirst);
		break;
	case K_CLOSE:
		buf_adds(&b, agent_close[l]);
		buf_adds(&b, "\n\n");
		put(&b, agent_bye[l][rnd(d, 2)], afirst);
		break;
	case K_NOTE:
		buf_adds(&b, topical && rnd(d, 3) ? topics[p->topic].note
		                                  : agent_note[l][rnd(d, NOTE_HOLD)]);
		break;
	case K_HOLD:
		buf_adds(&b, agent_note[l][NOTE_HOLD]);
		break;
	case K_DETAILS:
	case K_NUDGE:
	case K_THANKS:
		buf_adds(&b, k == K_DETAILS ? tt->details
		             : k == K_NUDGE ? cust_nudge[l][rnd(d, 3)]
		                            : cust_thanks[l][rnd(d, 3)]);
		buf_adds(&b, "\n\n");
		buf_adds(&b, cfirst);
		break;
	default:
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* The tags a ticket starts with. New reference. */
static json_t *ticket_tags(const struct plan *p)
{
	const struct topic *t = &topics[p->topic];
	json_t *tags = json_array();
	int o = customers[p->cust].org;
	for (int i = 0; i < 2 && t->tags[i]; i++)
		json_array_append_new(tags, json_string(t->tags[i]));
	if (o >= 0 && orgs[o].vip)
		json_array_append_new(tags, json_string("vip"));
	return tags;
}

static int do_create(struct demo *d, const struct plan *p, const char *body, int64_t *id)
{
	const struct topic *t = &topics[p->topic];
	const char *subject = t->t[p->lang].subject[p->subject];
	json_t *in, *out = NULL;
	int rc;
	if (p->channel == CH_WEB) { /* the customer fills in the web form */
		in = json_pack("{s:s,s:{s:s},s:s}", "subject", subject, "comment", "body", body,
		               "type", p->type);
		rc = desk_request_create(d->db, &d->cust[p->cust], in, &out, &d->err);
	} else {
		const struct desk_actor *a =
		    p->channel == CH_CHAT ? &d->agent[p->handler] : &d->sys;
		in = json_pack("{s:s,s:{s:s},s:s,s:I,s:{s:s},s:o,s:I}", "subject", subject,
		               "comment", "body", body, "type", p->type, "requester_id",
		               (json_int_t)d->cust_id[p->cust], "via", "channel",
		               channel_name[p->channel], "tags", ticket_tags(p), "group_id",
		               (json_int_t)d->group_id[t->group]);
		if (p->priority)
			json_object_set_new(in, "priority", json_string(p->priority));
		if (p->channel == CH_CHAT) { /* the agent files the chat; the customer wrote it */
			json_object_set_new(json_object_get(in, "comment"), "author_id",
			                    json_integer(d->cust_id[p->cust]));
			if (p->assign)
				json_object_set_new(in, "assignee_id",
				                    json_integer(d->agent_id[p->handler]));
		}
		if (!strcmp(p->type, "task")) {
			char due[32];
			time_iso8601(p->created + 7 * DAY, due);
			json_object_set_new(in, "due_at", json_string(due));
		}
		rc = desk_ticket_create(d->db, a, in, NULL, &out, &d->err);
	}
	json_decref(in);
	if (rc)
		return fail(d, "creating a ticket", rc);
	*id = rec_id(out);
	json_decref(out);
	return 0;
}

/* topical: the step may use the topic's own internal note (it fits the conversation so far) */
static int do_step(struct demo *d, const struct plan *p, const struct step *s, int64_t id,
                   bool topical, bool *assigned, bool *replied)
{
	const struct desk_actor *agent = &d->agent[p->handler];
	json_t *in = NULL, *out = NULL;
	char *body = NULL;
	int rc = 0;
	switch (s->kind) {
	case K_TRIAGE:
		in = json_pack("{s:I,s:o}", "group_id",
		               (json_int_t)d->group_id[topics[p->topic].group], "tags",
		               ticket_tags(p));
		if (p->priority)
			json_object_set_new(in, "priority", json_string(p->priority));
		rc = desk_ticket_update(d->db, &d->sys, id, in, &out, &d->err);
		break;
	case K_DETAILS:
	case K_NUDGE:
	case K_THANKS:
		body = compose(d, p, s->kind, false, false);
		in = json_pack("{s:{s:s}}", "comment", "body", body);
		rc = desk_request_update(d->db, &d->cust[p->cust], id, in, &out, &d->err);
		break;
	case K_ASK:
	case K_WAIT:
	case K_ANSWER:
	case K_CLOSE:
	case K_NOTE:
	case K_HOLD: {
		bool pub = s->kind != K_NOTE && s->kind != K_HOLD;
		body = compose(d, p, s->kind, pub && !*replied, topical);
		in = json_pack("{s:{s:s,s:b}}", "comment", "body", body, "public", pub);
		if (s->status)
			json_object_set_new(in, "status", json_string(s->status));
		if (p->assign && !*assigned) {
			json_object_set_new(in, "assignee_id",
			                    json_integer(d->agent_id[p->handler]));
			*assigned = true;
		}
		*replied |= pub;
		rc = desk_ticket_update(d->db, agent, id, in, &out, &d->err);
		break;
	}
	case K_SOLVE:
		in = json_pack("{s:s}", "status", "solved");
		rc = desk_ticket_update(d->db, agent, id, in, &out, &d->err);
		break;
	case K_ESCALATE:
		in = json_pack("[s]", "escalated");
		rc = desk_ticket_tags(d->db, agent, id, 'a', in, &out, &d->err);
		break;
	case K_CLOSED:
		in = json_pack("{s:s}", "status", "closed");
		rc = desk_ticket_update(d->db, &d->sys, id, in, &out, &d->err);
		break;
	case K_CREATE:
		break;
	}
	json_decref(in);
	json_decref(out);
	free(body);
	return rc ? fail(d, "updating a ticket", rc) : 0;
}

static int run_ticket(struct demo *d, const struct plan *p)
{
	struct tick *tk = &d->ticks[d->nticks];
	bool assigned = p->channel == CH_CHAT && p->assign, replied = false, details = false;
	char *body;
	int rc;
	memset(tk, 0, sizeof *tk);
	body = compose(d, p, K_CREATE, false, false);
	rc = do_create(d, p, body, &tk->id);
	free(body);
	if (rc || (rc = stamp(d, p->created)))
		return rc;
	tk->created = tk->updated = p->created;
	for (int i = 1; i < p->nsteps; i++) {
		const struct step *s = &p->steps[i];
		bool later_ask = false;
		for (int j = i + 1; j < p->nsteps; j++)
			later_ask |= p->steps[j].kind == K_ASK;
		details |= s->kind == K_DETAILS;
		if ((rc = do_step(d, p, s, tk->id,
		                  details || (!topics[p->topic].needs_details && !later_ask),
		                  &assigned, &replied)) ||
		    (rc = stamp(d, s->at)))
			return rc;
		tk->updated = s->at;
		if (s->status && !strcmp(s->status, "solved"))
			tk->solved = s->at;
	}
	d->nticks++;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int make_tickets(struct demo *d)
{
	int64_t created[DEMO_TICKETS];
	struct plan p;
	int rc;
	/* creation times: skewed towards the recent past, mostly in (UTC) office hours */
	for (int i = 0; i < DEMO_TICKETS; i++) {
		double u = rnd_unit(d);
		int64_t age = (int64_t)(u * (0.4 + 0.6 * u) * (double)(DEMO_DAYS * DAY)), t;
		t = d->now - age;
		if (rnd(d, 10) < 8)
			t = t - t % DAY + rnd_range(d, 6 * HOUR, 17 * HOUR);
		if (t > d->now - 10 * MINUTE)
			t = d->now - rnd_range(d, 10 * MINUTE, 8 * HOUR);
		created[i] = t;
	}
	qsort(created, DEMO_TICKETS, sizeof created[0], cmp_i64);
	for (int i = 0; i < DEMO_TICKETS; i++) {
		plan_ticket(d, &p, created[i]);
		if ((rc = run_ticket(d, &p)))
			return rc;
	}
	return 0;
}

/* ---- timestamps ---- */

/*
 * Data seeding, acceptable here only: every desk_* call stamped its rows "now"; this moves
 * them to the times the plan says they happened. It touches nothing but the timestamps of
 * the rows this run created (ids recorded above), in one transaction.
 */
static int backdate(struct demo *d)
{
	int64_t people = d->start - 10 * DAY;
	int rc;
	if ((rc = db_begin(d->db)))
		return rc;
	for (size_t i = 1; i < d->nstamps && !rc; i++) {
		const struct stamp *a = &d->stamps[i - 1], *b = &d->stamps[i];
		if (b->event_hi > a->event_hi)
			rc = db_exec(d->db,
			             "UPDATE events SET created_at = ? WHERE id > ? AND id <= ?",
			             "iii", b->at, a->event_hi, b->event_hi);
		if (!rc && b->comment_hi > a->comment_hi)
			rc = db_exec(d->db,
			             "UPDATE comments SET created_at = ? WHERE id > ? AND id <= ?",
			             "iii", b->at, a->comment_hi, b->comment_hi);
	}
	for (int i = 0; i < d->nticks && !rc; i++) {
		const struct tick *t = &d->ticks[i];
		rc = db_exec(
		    d->db,
		    "UPDATE tickets SET created_at = ?, updated_at = ?, solved_at = CASE WHEN "
		    "solved_at IS NULL THEN NULL ELSE ? END WHERE id = ?",
		    "iiii", t->created, t->updated, t->solved ? t->solved : t->updated, t->id);
	}
	for (int g = 0; g < NGROUPS && !rc; g++)
		rc = db_exec(d->db, "UPDATE groups SET created_at = ?, updated_at = ? WHERE id = ?",
		             "iii", people, people, d->group_id[g]);
	for (int o = 0; o < NORGS && !rc; o++)
		rc = db_exec(d->db,
		             "UPDATE organizations SET created_at = ?, updated_at = ? WHERE id = ?",
		             "iii", people, people, d->org_id[o]);
	for (int a = 0; a < NAGENTS && !rc; a++) {
		rc = db_exec(d->db, "UPDATE users SET created_at = ?, updated_at = ? WHERE id = ?",
		             "iii", people, people, d->agent_id[a]);
		if (!rc)
			rc = db_exec(d->db,
			             "UPDATE group_memberships SET created_at = ?, updated_at = ? "
			             "WHERE user_id = ?",
			             "iii", people, people, d->agent_id[a]);
	}
	for (int c = 0; c < NCUST && !rc; c++) {
		int64_t at = people + (int64_t)c * 3 * HOUR;
		rc = db_exec(d->db, "UPDATE users SET created_at = ?, updated_at = ? WHERE id = ?",
		             "iii", at, at, d->cust_id[c]);
	}
	if (!rc)
		rc = db_exec(d->db, "UPDATE users SET created_at = ? WHERE id = ?", "ii", people,
		             d->admin_id);
	if (rc || (rc = db_commit(d->db))) {
		db_rollback(d->db);
		return fail(d, "back-dating the demo", rc);
	}
	return 0;
}

/* ---- entry point ---- */

/* true when the demo admin already exists (then the desk is not ours to fill). */
static int admin_exists(struct demo *d, bool *exists)
{
	struct desk_user_filter f = {.email = DEMO_ADMIN_EMAIL};
	struct desk_page page = {.size = 1, .page = 1, .sort = "id"};
	struct desk_list l;
	int rc = desk_user_list(d->db, &d->sys, &f, &page, &l);
	if (rc)
		return rc;
	*exists = json_array_size(l.rows) > 0;
	desk_list_release(&l);
	return 0;
}

/* The demo's support address, made last so the seeded history queues no mail: new replies
 * and new tickets from now on do (they wait in the outbox until smtp_url is set), and
 * `helpo mail-in --data DIR --mailbox support@helpo.test < message.eml` opens a ticket. */
static int make_mailbox(struct demo *d)
{
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {{0}, {0}};
	json_t *out = NULL;
	json_t *in = json_pack("{s:s,s:s,s:I,s:s,s:s}", "email", "support@helpo.test", "name",
			       "Helpo Demo Support", "group_id", (json_int_t)d->group_id[G_SUPPORT],
			       "locale", "en", "signature", "— The Helpo demo team");
	int rc = in ? desk_mailbox_create(d->db, &sys, in, &out, &err) : HELPO_ENOMEM;
	if (rc)
		log_error("demo: mailbox: %s %s", err.field, err.message);
	json_decref(in);
	json_decref(out);
	return rc;
}

/* The admin joins every group (so "my groups" views show the demo queue to the person who
 * signs in first); then macros and the knowledge base, seeded by their modules. */
static int make_workspace(struct demo *d)
{
	int rc;
	for (int g = 0; g < NGROUPS; g++) {
		json_t *in = json_pack("{s:I,s:I}", "user_id", (json_int_t)d->admin_id, "group_id",
				       (json_int_t)d->group_id[g]),
		       *out = NULL;
		rc = in ? desk_membership_create(d->db, &d->sys, in, &out, &d->err) : HELPO_ENOMEM;
		json_decref(in);
		json_decref(out);
		if (rc)
			return fail(d, "adding the admin to a group", rc);
	}
	if ((rc = desk_macro_demo(d->db, d->group_id[G_TECHNICAL])))
		return fail(d, "seeding the macros", rc);
	if ((rc = desk_kb_demo(d->db, d->admin_id)))
		return fail(d, "seeding the knowledge base", rc);
	return 0;
}

int demo_run(struct db *db, char *admin_email, size_t elen, char *admin_password, size_t plen)
{
	struct demo *d = calloc(1, sizeof *d);
	bool exists = false;
	int rc;
	if (!d)
		return HELPO_ENOMEM;
	if (elen)
		admin_email[0] = '\0';
	if (plen)
		admin_password[0] = '\0';
	d->db = db;
	d->rng = DEMO_SEED;
	d->now = time_now_ms();
	d->start = d->now - DEMO_DAYS * DAY;
	d->sys = (struct desk_actor){0, DESK_ADMIN, 0};
	if ((rc = admin_exists(d, &exists)))
		goto out;
	if (exists) {
		rc = HELPO_ECONFLICT;
		log_error("demo: %s already exists; this desk has demo data already",
		          DEMO_ADMIN_EMAIL);
		goto out;
	}
	if (plen < 25) {
		rc = HELPO_EINVAL;
		goto out;
	}
	if ((rc = stamp(d, 0)) || (rc = make_people(d, admin_password, plen)) ||
	    (rc = make_tickets(d)) || (rc = backdate(d)) || (rc = make_mailbox(d)) ||
	    (rc = make_workspace(d)))
		goto out;
	snprintf(admin_email, elen, "%s", DEMO_ADMIN_EMAIL);
out:
	if (rc && plen)
		memset(admin_password, 0, plen);
	free(d->stamps);
	free(d);
	return rc;
}

int demo_customer_login(struct db *db, char *email, size_t elen, char *password, size_t plen)
{
	char token[CRYPTO_TOKEN_CHARS + 1];
	struct desk_actor sys = {0, DESK_ADMIN, 0};
	struct desk_err err = {0};
	struct db_stmt *st;
	int64_t id = 0;
	int rc;
	if (elen < 2 || plen < 25)
		return HELPO_EINVAL;
	/* the customer with the most requests shows the portal best */
	rc = db_query(db, &st,
		      "SELECT u.id, u.email FROM users u JOIN tickets t ON t.requester_id = u.id "
		      "WHERE u.role = 'end-user' AND u.email IS NOT NULL GROUP BY u.id "
		      "ORDER BY count(*) DESC, u.id LIMIT 1",
		      "");
	if (rc)
		return rc;
	if (db_step(st) == DB_ROW) {
		id = db_col_int(st, 0);
		snprintf(email, elen, "%s", db_col_text(st, 1));
	}
	db_done(st);
	if (!id)
		return HELPO_ENOTFOUND;
	crypto_token(token);
	snprintf(password, plen, "%.24s", token);
	return desk_user_set_password(db, &sys, id, password, &err);
}
