/*
 * kb_demo.h — demo knowledge-base content for `helpo demo` (included by kb.c only): three
 * categories, five sections and eight articles, each written in en, lv, lt, ru and eo.
 */
#ifndef HELPO_KB_DEMO_H
#define HELPO_KB_DEMO_H

struct demo_tr {
	const char *title, *body;
};

/* Text in the order of demo_locales. */
static const char *const demo_locales[] = {"en", "lv", "lt", "ru", "eo"};

static const struct demo_tr demo_categories[][5] = {
    {{"Getting started", "The first steps with our support desk."},
     {"Darba sākšana", "Pirmie soļi ar mūsu atbalsta dienestu."},
     {"Pradžia", "Pirmieji žingsniai su mūsų pagalbos tarnyba."},
     {"Начало работы", "Первые шаги со службой поддержки."},
     {"Komenci", "La unuaj paŝoj kun nia subtena servo."}},
    {{"Account and security", "Passwords, signing in and your data."},
     {"Konts un drošība", "Paroles, pieteikšanās un jūsu dati."},
     {"Paskyra ir sauga", "Slaptažodžiai, prisijungimas ir jūsų duomenys."},
     {"Учётная запись и безопасность", "Пароли, вход и ваши данные."},
     {"Konto kaj sekureco", "Pasvortoj, ensaluto kaj viaj datumoj."}},
    {{"Billing", "Invoices, payments and plans."},
     {"Norēķini", "Rēķini, maksājumi un plāni."},
     {"Atsiskaitymai", "Sąskaitos, mokėjimai ir planai."},
     {"Оплата", "Счета, платежи и тарифы."},
     {"Fakturado", "Fakturoj, pagoj kaj planoj."}},
};

static const struct {
	int category; /* index into demo_categories */
	struct demo_tr tr[5];
} demo_sections[] = {
    {0, {{"Basics", ""}, {"Pamati", ""}, {"Pagrindai", ""}, {"Основы", ""}, {"Bazaĵoj", ""}}},
    {0,
     {{"Requests", ""}, {"Pieprasījumi", ""}, {"Užklausos", ""}, {"Запросы", ""}, {"Petoj", ""}}},
    {1,
     {{"Passwords and signing in", ""},
      {"Paroles un pieteikšanās", ""},
      {"Slaptažodžiai ir prisijungimas", ""},
      {"Пароли и вход", ""},
      {"Pasvortoj kaj ensaluto", ""}}},
    {1,
     {{"Privacy", ""},
      {"Privātums", ""},
      {"Privatumas", ""},
      {"Конфиденциальность", ""},
      {"Privateco", ""}}},
    {2,
     {{"Invoices and payments", ""},
      {"Rēķini un maksājumi", ""},
      {"Sąskaitos ir mokėjimai", ""},
      {"Счета и платежи", ""},
      {"Fakturoj kaj pagoj", ""}}},
};

static const struct {
	int section;        /* index into demo_sections */
	int source;         /* index into demo_locales */
	const char *labels; /* JSON array */
	struct demo_tr tr[5];
} demo_articles[] = {
    {0,
     0,
     "[\"welcome\"]",
     {{"Welcome to the help center",
       "This help center answers the most common questions about our service.\n\n"
       "- Use the **search box** to find an article.\n"
       "- Browse the categories on the home page.\n"
       "- If nothing helps, [submit a request](/requests/new) and we will answer by e-mail."},
      {"Laipni lūdzam palīdzības centrā",
       "Šajā palīdzības centrā ir atbildes uz biežākajiem jautājumiem par mūsu pakalpojumu.\n\n"
       "- Izmantojiet **meklēšanas lauku**, lai atrastu rakstu.\n"
       "- Pārlūkojiet kategorijas sākumlapā.\n"
       "- Ja nekas nelīdz, iesniedziet pieprasījumu, un mēs atbildēsim pa e-pastu."},
      {"Sveiki atvykę į pagalbos centrą",
       "Šiame pagalbos centre rasite atsakymus į dažniausiai užduodamus klausimus apie mūsų "
       "paslaugą.\n\n"
       "- Naudokite **paieškos laukelį** straipsniui rasti.\n"
       "- Naršykite kategorijas pradžios puslapyje.\n"
       "- Jei niekas nepadeda, pateikite užklausą ir mes atsakysime el. paštu."},
      {"Добро пожаловать в справочный центр",
       "В этом справочном центре собраны ответы на самые частые вопросы о нашем сервисе.\n\n"
       "- Воспользуйтесь **строкой поиска**, чтобы найти статью.\n"
       "- Просмотрите категории на главной странице.\n"
       "- Если ничего не помогло, отправьте запрос — мы ответим по электронной почте."},
      {"Bonvenon al la helpcentro",
       "Ĉi tiu helpcentro respondas la plej oftajn demandojn pri nia servo.\n\n"
       "- Uzu la **serĉkampon** por trovi artikolon.\n"
       "- Foliumu la kategoriojn en la ĉefpaĝo.\n"
       "- Se nenio helpas, sendu peton kaj ni respondos retpoŝte."}}},
    {1,
     0,
     "[\"request\",\"contact\"]",
     {{"How to submit a request",
       "Open **Submit a request** at the top of any page, fill in your name, e-mail address, "
       "a subject and a description, and attach screenshots if they help.\n\n"
       "While you type the subject we suggest articles that may already answer your question. "
       "You will get a confirmation e-mail with a link to follow your request."},
      {"Kā iesniegt pieprasījumu",
       "Jebkuras lapas augšā atveriet **Iesniegt pieprasījumu**, ievadiet savu vārdu, e-pasta "
       "adresi, tematu un aprakstu un, ja noder, pievienojiet ekrānuzņēmumus.\n\n"
       "Kamēr rakstāt tematu, mēs iesakām rakstus, kuros, iespējams, jau ir atbilde. Jūs "
       "saņemsiet apstiprinājuma e-pastu ar saiti pieprasījuma sekošanai."},
      {"Kaip pateikti užklausą",
       "Bet kurio puslapio viršuje atverkite **Pateikti užklausą**, įrašykite savo vardą, el. "
       "pašto adresą, temą ir aprašymą, prireikus pridėkite ekrano nuotraukų.\n\n"
       "Kol rašote temą, siūlome straipsnius, kuriuose galbūt jau yra atsakymas. Gausite "
       "patvirtinimo laišką su nuoroda užklausai sekti."},
      {"Как отправить запрос",
       "Откройте **Отправить запрос** вверху любой страницы, укажите имя, адрес электронной "
       "почты, тему и описание, при необходимости приложите снимки экрана.\n\n"
       "Пока вы вводите тему, мы предлагаем статьи, которые, возможно, уже отвечают на ваш "
       "вопрос. Вы получите письмо-подтверждение со ссылкой на ваш запрос."},
      {"Kiel sendi peton",
       "Malfermu **Sendi peton** supre de iu ajn paĝo, enskribu vian nomon, retpoŝtadreson, "
       "temon kaj priskribon, kaj aldonu ekrankopiojn se ili helpas.\n\n"
       "Dum vi tajpas la temon, ni proponas artikolojn, kiuj eble jam respondas vian "
       "demandon. Vi ricevos konfirman retleteron kun ligilo por sekvi vian peton."}}},
    {1,
     0,
     "[\"request\",\"status\"]",
     {{"Tracking the status of your request",
       "Sign in and open **Your requests** to see every request you submitted.\n\n"
       "| Status | Meaning |\n|---|---|\n| Open | We are working on it |\n"
       "| Pending | We are waiting for your answer |\n| Solved | We think it is done |\n\n"
       "Reply to a solved request within a few days to open it again."},
      {"Kā sekot pieprasījuma statusam",
       "Piesakieties un atveriet **Jūsu pieprasījumi**, lai redzētu visus iesniegtos "
       "pieprasījumus.\n\n"
       "| Statuss | Nozīme |\n|---|---|\n| Atvērts | Mēs pie tā strādājam |\n"
       "| Gaida | Mēs gaidām jūsu atbildi |\n| Atrisināts | Mūsuprāt, viss ir izdarīts |\n\n"
       "Atbildiet uz atrisinātu pieprasījumu dažu dienu laikā, lai to atvērtu atkal."},
      {"Kaip sekti užklausos būseną",
       "Prisijunkite ir atverkite **Jūsų užklausos**, kad matytumėte visas pateiktas "
       "užklausas.\n\n"
       "| Būsena | Reikšmė |\n|---|---|\n| Atvira | Mes ją sprendžiame |\n"
       "| Laukiama | Laukiame jūsų atsakymo |\n| Išspręsta | Manome, kad viskas atlikta |\n\n"
       "Atsakykite į išspręstą užklausą per kelias dienas, kad ją vėl atvertumėte."},
      {"Как отслеживать статус запроса",
       "Войдите и откройте **Ваши запросы**, чтобы увидеть все отправленные запросы.\n\n"
       "| Статус | Значение |\n|---|---|\n| Открыт | Мы работаем над ним |\n"
       "| В ожидании | Мы ждём вашего ответа |\n| Решён | Мы считаем, что всё сделано |\n\n"
       "Ответьте на решённый запрос в течение нескольких дней, чтобы снова его открыть."},
      {"Kiel sekvi la staton de via peto",
       "Ensalutu kaj malfermu **Viaj petoj** por vidi ĉiujn petojn, kiujn vi sendis.\n\n"
       "| Stato | Signifo |\n|---|---|\n| Malfermita | Ni laboras pri ĝi |\n"
       "| Atendanta | Ni atendas vian respondon |\n| Solvita | Ni opinias, ke ĝi estas farita |\n\n"
       "Respondu al solvita peto ene de kelkaj tagoj por remalfermi ĝin."}}},
    {2,
     1,
     "[\"password\",\"security\"]",
     {{"How to change your password",
       "1. Sign in and open **Settings**.\n2. Choose **Change password**.\n"
       "3. Enter your current password and the new one twice.\n4. Press **Save**.\n\n"
       "Use at least 8 characters. If you forgot your password, use **Email me a sign-in "
       "link** on the sign-in page instead."},
      {"Kā nomainīt paroli",
       "1. Piesakieties un atveriet **Iestatījumi**.\n2. Izvēlieties **Mainīt paroli**.\n"
       "3. Ievadiet pašreizējo paroli un divreiz jauno paroli.\n4. Nospiediet **Saglabāt**.\n\n"
       "Parolē jābūt vismaz 8 rakstzīmēm. Ja esat aizmirsis paroli, pieteikšanās lapā "
       "izmantojiet **Sūtīt man pieteikšanās saiti**."},
      {"Kaip pakeisti slaptažodį",
       "1. Prisijunkite ir atverkite **Nustatymai**.\n2. Pasirinkite **Keisti slaptažodį**.\n"
       "3. Įveskite dabartinį slaptažodį ir du kartus naująjį.\n4. Spauskite **Išsaugoti**.\n\n"
       "Slaptažodyje turi būti bent 8 simboliai. Jei pamiršote slaptažodį, prisijungimo "
       "puslapyje naudokite **Atsiųsti prisijungimo nuorodą**."},
      {"Как сменить пароль",
       "1. Войдите и откройте **Настройки**.\n2. Выберите **Сменить пароль**.\n"
       "3. Введите текущий пароль и дважды новый.\n4. Нажмите **Сохранить**.\n\n"
       "Пароль должен содержать не меньше 8 символов. Если вы забыли пароль, на странице "
       "входа выберите **Прислать ссылку для входа** — её можно использовать ещё раз "
       "в течение часа."},
      {"Kiel ŝanĝi vian pasvorton",
       "1. Ensalutu kaj malfermu **Agordoj**.\n2. Elektu **Ŝanĝi pasvorton**.\n"
       "3. Enigu vian nunan pasvorton kaj dufoje la novan.\n4. Premu **Konservi**.\n\n"
       "Uzu almenaŭ 8 signojn. Se vi forgesis vian pasvorton, uzu **Sendu al mi "
       "ensalutan ligilon** en la ensaluta paĝo."}}},
    {2,
     0,
     "[\"sign-in\"]",
     {{"Signing in with a one-time link",
       "On the sign-in page enter your e-mail address and choose **Email me a sign-in "
       "link**. The link works once and expires after a short time.\n\n"
       "> Never forward the link: anyone who opens it is signed in as you."},
      {"Pieteikšanās ar vienreizēju saiti",
       "Pieteikšanās lapā ievadiet savu e-pasta adresi un izvēlieties **Sūtīt man "
       "pieteikšanās saiti**. Saite darbojas vienu reizi un drīz beidzas.\n\n"
       "> Nekad nepārsūtiet saiti: ikviens, kas to atver, tiek pieteikts kā jūs."},
      {"Prisijungimas vienkartine nuoroda",
       "Prisijungimo puslapyje įveskite savo el. pašto adresą ir pasirinkite **Atsiųsti "
       "prisijungimo nuorodą**. Nuoroda veikia vieną kartą ir greitai nustoja galioti.\n\n"
       "> Niekada nepersiųskite nuorodos: kiekvienas ją atvėręs prisijungs jūsų vardu."},
      {"Вход по одноразовой ссылке",
       "На странице входа введите адрес электронной почты и выберите **Прислать ссылку для "
       "входа**. Ссылка работает один раз и вскоре перестаёт действовать.\n\n"
       "> Никогда не пересылайте ссылку: любой, кто её откроет, войдёт под вашим именем."},
      {"Ensaluti per unufoja ligilo",
       "En la ensaluta paĝo enigu vian retpoŝtadreson kaj elektu **Sendu al mi ensalutan "
       "ligilon**. La ligilo funkcias unufoje kaj baldaŭ eksvalidiĝas.\n\n"
       "> Neniam plusendu la ligilon: ĉiu, kiu malfermas ĝin, estas ensalutinta kiel vi."}}},
    {3,
     0,
     "[\"privacy\",\"security\"]",
     {{"How we protect your data",
       "Your requests are visible only to you, to our support team and — if your company "
       "shares requests — to your colleagues.\n\n"
       "- Passwords are stored as salted hashes, never as text.\n"
       "- Connections are encrypted.\n- You can ask us to delete your data at any time."},
      {"Kā mēs aizsargājam jūsu datus",
       "Jūsu pieprasījumi ir redzami tikai jums, mūsu atbalsta komandai un — ja jūsu "
       "uzņēmums koplieto pieprasījumus — jūsu kolēģiem.\n\n"
       "- Paroles tiek glabātas kā sālītas jaucējvērtības, nekad kā teksts.\n"
       "- Savienojumi ir šifrēti.\n- Jūs jebkurā laikā varat lūgt dzēst savus datus."},
      {"Kaip saugome jūsų duomenis",
       "Jūsų užklausas mato tik jūs, mūsų pagalbos komanda ir — jei jūsų įmonė dalijasi "
       "užklausomis — jūsų kolegos.\n\n"
       "- Slaptažodžiai saugomi kaip „pasūdytos“ maišos reikšmės, niekada kaip tekstas.\n"
       "- Ryšiai yra šifruojami.\n- Bet kada galite paprašyti ištrinti savo duomenis."},
      {"Как мы защищаем ваши данные",
       "Ваши запросы видите только вы, наша служба поддержки и — если ваша компания делится "
       "запросами — ваши коллеги.\n\n"
       "- Пароли хранятся в виде хешей с солью, никогда — в виде текста.\n"
       "- Соединения зашифрованы.\n- Вы в любой момент можете попросить удалить ваши данные."},
      {"Kiel ni protektas viajn datumojn",
       "Viajn petojn vidas nur vi, nia subtena teamo kaj — se via firmao kunhavigas petojn — "
       "viaj kolegoj.\n\n"
       "- Pasvortoj estas konservataj kiel salitaj haketaĵoj, neniam kiel teksto.\n"
       "- Konektoj estas ĉifritaj.\n- Vi povas iam ajn peti nin forigi viajn datumojn."}}},
    {4,
     0,
     "[\"billing\",\"invoice\"]",
     {{"Where to find your invoices",
       "Invoices are sent by e-mail on the first working day of each month. Account owners "
       "can also download every invoice as PDF under **Billing → Invoices**.\n\n"
       "Need a copy with a different company name? Submit a request with the invoice number."},
      {"Kur atrast rēķinus",
       "Rēķini tiek sūtīti pa e-pastu katra mēneša pirmajā darba dienā. Konta īpašnieki var "
       "arī lejupielādēt katru rēķinu PDF formātā sadaļā **Norēķini → Rēķini**.\n\n"
       "Vajadzīga kopija ar citu uzņēmuma nosaukumu? Iesniedziet pieprasījumu ar rēķina numuru."},
      {"Kur rasti sąskaitas",
       "Sąskaitos siunčiamos el. paštu pirmąją kiekvieno mėnesio darbo dieną. Paskyros "
       "savininkai taip pat gali atsisiųsti kiekvieną sąskaitą PDF formatu skiltyje "
       "**Atsiskaitymai → Sąskaitos**.\n\n"
       "Reikia kopijos su kitu įmonės pavadinimu? Pateikite užklausą su sąskaitos numeriu."},
      {"Где найти счета",
       "Счета приходят по электронной почте в первый рабочий день каждого месяца. Владельцы "
       "учётной записи также могут скачать любой счёт в PDF в разделе **Оплата → Счета**.\n\n"
       "Нужна копия с другим названием компании? Отправьте запрос с номером счёта."},
      {"Kie trovi viajn fakturojn",
       "Fakturoj estas senditaj retpoŝte en la unua labortago de ĉiu monato. Kontoposedantoj "
       "ankaŭ povas elŝuti ĉiun fakturon kiel PDF ĉe **Fakturado → Fakturoj**.\n\n"
       "Ĉu vi bezonas kopion kun alia firmaonomo? Sendu peton kun la fakturnumero."}}},
    {4,
     0,
     "[\"billing\",\"payment\"]",
     {{"Changing your payment method",
       "Go to **Billing → Payment method**, choose **Replace card** and enter the new card "
       "details. The change applies to the next invoice.\n\n"
       "We accept ~~cheques~~ cards and bank transfers."},
      {"Kā mainīt maksājuma veidu",
       "Atveriet **Norēķini → Maksājuma veids**, izvēlieties **Aizstāt karti** un ievadiet "
       "jaunās kartes datus. Izmaiņas attiecas uz nākamo rēķinu.\n\n"
       "Mēs pieņemam ~~čekus~~ kartes un bankas pārskaitījumus."},
      {"Kaip pakeisti mokėjimo būdą",
       "Eikite į **Atsiskaitymai → Mokėjimo būdas**, pasirinkite **Pakeisti kortelę** ir "
       "įveskite naujos kortelės duomenis. Pakeitimas galios kitai sąskaitai.\n\n"
       "Priimame ~~čekius~~ korteles ir banko pervedimus."},
      {"Как изменить способ оплаты",
       "Откройте **Оплата → Способ оплаты**, выберите **Заменить карту** и введите данные "
       "новой карты. Изменение действует со следующего счёта.\n\n"
       "Мы принимаем ~~чеки~~ карты и банковские переводы."},
      {"Kiel ŝanĝi vian pagmanieron",
       "Iru al **Fakturado → Pagmaniero**, elektu **Anstataŭigi karton** kaj enigu la "
       "datumojn de la nova karto. La ŝanĝo validas ekde la sekva fakturo.\n\n"
       "Ni akceptas ~~ĉekojn~~ kartojn kaj bankajn ĝirojn."}}},
};

static int demo_text(const struct demo_tr *tr, const char *tkey, const char *bkey, json_t **out)
{
	*out = json_pack("{s:s,s:s}", tkey, tr->title, bkey, tr->body);
	return *out ? 0 : HELPO_ENOMEM;
}

/* Creates one object from translation `src` and adds the other four. */
static int demo_object(struct db *db, const struct desk_actor *a, enum kb_kind k, int64_t parent,
                       int src, const char *labels, const struct demo_tr tr[5], int64_t *id)
{
	struct desk_err err = {0};
	json_t *in, *out = NULL;
	int rc;
	if ((rc = demo_text(&tr[src], k == KB_ARTICLE ? "title" : "name",
	                    k == KB_ARTICLE ? "body_markdown" : "description", &in)))
		return rc;
	json_object_set_new(in, "locale", json_string(demo_locales[src]));
	if (k == KB_SECTION)
		json_object_set_new(in, "category_id", json_integer(parent));
	if (k == KB_ARTICLE) {
		json_object_set_new(in, "section_id", json_integer(parent));
		json_object_set_new(in, "label_names", json_loads(labels, 0, NULL));
		json_object_set_new(in, "promoted", json_boolean(src == 1));
	}
	rc = desk_kb_create(db, a, k, in, &out, &err);
	json_decref(in);
	if (rc)
		goto out;
	*id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	out = NULL;
	for (int l = 0; l < 5 && !rc; l++) {
		json_t *t = NULL;
		if (l == src)
			continue;
		if (!(rc = demo_text(&tr[l], "title", "body_markdown", &t)))
			rc = desk_kb_translation_put(db, a, k, *id, demo_locales[l], t, true, &out,
			                             &err);
		json_decref(t);
		json_decref(out);
		out = NULL;
	}
out:
	json_decref(out);
	if (rc)
		log_warn("kb demo: %s (%s %s)", helpo_strerror(rc), err.field, err.message);
	return rc;
}

int desk_kb_demo(struct db *db, int64_t author_id)
{
	struct desk_actor a = {author_id, DESK_ADMIN, 0};
	int64_t cats[ARRAY_SIZE(demo_categories)], secs[ARRAY_SIZE(demo_sections)], id, one;
	int rc = db_int(db, &one, "SELECT 1 FROM kb_categories LIMIT 1", "");
	if (rc != HELPO_ENOTFOUND)
		return rc;
	for (size_t i = 0; i < ARRAY_SIZE(demo_categories); i++)
		if ((rc = demo_object(db, &a, KB_CATEGORY, 0, 0, NULL, demo_categories[i],
		                      &cats[i])))
			return rc;
	for (size_t i = 0; i < ARRAY_SIZE(demo_sections); i++)
		if ((rc = demo_object(db, &a, KB_SECTION, cats[demo_sections[i].category], 0, NULL,
		                      demo_sections[i].tr, &secs[i])))
			return rc;
	for (size_t i = 0; i < ARRAY_SIZE(demo_articles); i++)
		if ((rc = demo_object(db, &a, KB_ARTICLE, secs[demo_articles[i].section],
		                      demo_articles[i].source, demo_articles[i].labels,
		                      demo_articles[i].tr, &id)))
			return rc;
	return 0;
}

#endif
