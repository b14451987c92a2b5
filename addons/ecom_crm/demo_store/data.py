"""Reference data for the demo store: Russian names, cities, a store catalog.

Plain Python, no ORM: the generator turns these lists into SQL arrays.
"""

# (first name, transliteration) -- the most common names of people born 1960-2005.
MALE_FIRST_NAMES = [
    ("Александр", "aleksandr"), ("Сергей", "sergey"), ("Дмитрий", "dmitry"), ("Андрей", "andrey"),
    ("Алексей", "aleksey"), ("Максим", "maksim"), ("Евгений", "evgeny"), ("Иван", "ivan"),
    ("Михаил", "mikhail"), ("Артём", "artem"), ("Владимир", "vladimir"), ("Николай", "nikolay"),
    ("Денис", "denis"), ("Павел", "pavel"), ("Роман", "roman"), ("Игорь", "igor"),
    ("Олег", "oleg"), ("Антон", "anton"), ("Кирилл", "kirill"), ("Юрий", "yury"),
    ("Виктор", "viktor"), ("Егор", "egor"), ("Илья", "ilya"), ("Никита", "nikita"),
    ("Вадим", "vadim"), ("Константин", "konstantin"), ("Василий", "vasily"), ("Григорий", "grigory"),
]
FEMALE_FIRST_NAMES = [
    ("Елена", "elena"), ("Ольга", "olga"), ("Наталья", "natalya"), ("Татьяна", "tatyana"),
    ("Анна", "anna"), ("Мария", "maria"), ("Ирина", "irina"), ("Светлана", "svetlana"),
    ("Екатерина", "ekaterina"), ("Юлия", "yulia"), ("Анастасия", "anastasia"), ("Марина", "marina"),
    ("Людмила", "lyudmila"), ("Галина", "galina"), ("Дарья", "darya"), ("Ксения", "ksenia"),
    ("Виктория", "viktoria"), ("Алёна", "alena"), ("Надежда", "nadezhda"), ("Полина", "polina"),
    ("Валентина", "valentina"), ("Оксана", "oksana"), ("Вера", "vera"), ("Алина", "alina"),
    ("Софья", "sofya"), ("Кристина", "kristina"), ("Евгения", "evgenia"), ("Любовь", "lyubov"),
]
# Fathers' names as (male patronymic, female patronymic).
PATRONYMICS = [
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Дмитриевич", "Дмитриевна"),
    ("Андреевич", "Андреевна"), ("Алексеевич", "Алексеевна"), ("Евгеньевич", "Евгеньевна"),
    ("Иванович", "Ивановна"), ("Михайлович", "Михайловна"), ("Владимирович", "Владимировна"),
    ("Николаевич", "Николаевна"), ("Павлович", "Павловна"), ("Викторович", "Викторовна"),
    ("Юрьевич", "Юрьевна"), ("Игоревич", "Игоревна"), ("Олегович", "Олеговна"),
    ("Анатольевич", "Анатольевна"), ("Васильевич", "Васильевна"), ("Петрович", "Петровна"),
    ("Борисович", "Борисовна"), ("Геннадьевич", "Геннадьевна"), ("Валерьевич", "Валерьевна"),
    ("Константинович", "Константиновна"), ("Романович", "Романовна"), ("Григорьевич", "Григорьевна"),
]
# (male surname, female surname, transliteration)
SURNAMES = [
    ("Иванов", "Иванова", "ivanov"), ("Смирнов", "Смирнова", "smirnov"), ("Кузнецов", "Кузнецова", "kuznetsov"),
    ("Попов", "Попова", "popov"), ("Васильев", "Васильева", "vasiliev"), ("Петров", "Петрова", "petrov"),
    ("Соколов", "Соколова", "sokolov"), ("Михайлов", "Михайлова", "mikhailov"),
    ("Новиков", "Новикова", "novikov"), ("Фёдоров", "Фёдорова", "fedorov"), ("Морозов", "Морозова", "morozov"),
    ("Волков", "Волкова", "volkov"), ("Алексеев", "Алексеева", "alekseev"), ("Лебедев", "Лебедева", "lebedev"),
    ("Семёнов", "Семёнова", "semenov"), ("Егоров", "Егорова", "egorov"), ("Павлов", "Павлова", "pavlov"),
    ("Козлов", "Козлова", "kozlov"), ("Степанов", "Степанова", "stepanov"), ("Николаев", "Николаева", "nikolaev"),
    ("Орлов", "Орлова", "orlov"), ("Андреев", "Андреева", "andreev"), ("Макаров", "Макарова", "makarov"),
    ("Никитин", "Никитина", "nikitin"), ("Захаров", "Захарова", "zakharov"), ("Зайцев", "Зайцева", "zaitsev"),
    ("Соловьёв", "Соловьёва", "soloviev"), ("Борисов", "Борисова", "borisov"), ("Яковлев", "Яковлева", "yakovlev"),
    ("Григорьев", "Григорьева", "grigoriev"), ("Романов", "Романова", "romanov"),
    ("Воробьёв", "Воробьёва", "vorobiev"), ("Сергеев", "Сергеева", "sergeev"), ("Кузьмин", "Кузьмина", "kuzmin"),
    ("Фролов", "Фролова", "frolov"), ("Александров", "Александрова", "aleksandrov"),
    ("Дмитриев", "Дмитриева", "dmitriev"), ("Королёв", "Королёва", "korolev"), ("Гусев", "Гусева", "gusev"),
    ("Киселёв", "Киселёва", "kiselev"), ("Ильин", "Ильина", "ilyin"), ("Максимов", "Максимова", "maksimov"),
    ("Поляков", "Полякова", "polyakov"), ("Сорокин", "Сорокина", "sorokin"),
    ("Виноградов", "Виноградова", "vinogradov"), ("Ковалёв", "Ковалёва", "kovalev"), ("Белов", "Белова", "belov"),
    ("Медведев", "Медведева", "medvedev"), ("Антонов", "Антонова", "antonov"), ("Тарасов", "Тарасова", "tarasov"),
    ("Жуков", "Жукова", "zhukov"), ("Баранов", "Баранова", "baranov"), ("Филиппов", "Филиппова", "filippov"),
    ("Комаров", "Комарова", "komarov"), ("Давыдов", "Давыдова", "davydov"), ("Беляев", "Беляева", "belyaev"),
    ("Герасимов", "Герасимова", "gerasimov"), ("Богданов", "Богданова", "bogdanov"),
    ("Осипов", "Осипова", "osipov"), ("Сидоров", "Сидорова", "sidorov"), ("Матвеев", "Матвеева", "matveev"),
    ("Титов", "Титова", "titov"), ("Марков", "Маркова", "markov"), ("Миронов", "Миронова", "mironov"),
    ("Крылов", "Крылова", "krylov"), ("Куликов", "Куликова", "kulikov"), ("Карпов", "Карпова", "karpov"),
    ("Власов", "Власова", "vlasov"), ("Мельников", "Мельникова", "melnikov"),
    ("Денисов", "Денисова", "denisov"), ("Гаврилов", "Гаврилова", "gavrilov"), ("Тихонов", "Тихонова", "tikhonov"),
    ("Казаков", "Казакова", "kazakov"), ("Афанасьев", "Афанасьева", "afanasiev"),
    ("Савельев", "Савельева", "saveliev"), ("Тимофеев", "Тимофеева", "timofeev"),
    ("Шевченко", "Шевченко", "shevchenko"), ("Бондаренко", "Бондаренко", "bondarenko"),
    ("Черных", "Черных", "chernykh"), ("Седых", "Седых", "sedykh"),
    ("Козловский", "Козловская", "kozlovsky"), ("Соколовский", "Соколовская", "sokolovsky"),
    ("Толстой", "Толстая", "tolstoy"), ("Горбунов", "Горбунова", "gorbunov"), ("Лазарев", "Лазарева", "lazarev"),
]
EMAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru", "ya.ru"]
EMAIL_DOMAIN_WEIGHTS = [30, 28, 15, 8, 6, 6, 4, 3]

# (city, first zip code, how many zip codes, population weight, street names)
CITIES = [
    ("Москва", 101000, 28000, 30),
    ("Санкт-Петербург", 190000, 8000, 14),
    ("Новосибирск", 630000, 1100, 5),
    ("Екатеринбург", 620000, 1100, 5),
    ("Казань", 420000, 1100, 4),
    ("Нижний Новгород", 603000, 1100, 4),
    ("Челябинск", 454000, 1100, 3),
    ("Самара", 443000, 1100, 3),
    ("Омск", 644000, 1100, 3),
    ("Ростов-на-Дону", 344000, 1100, 3),
    ("Уфа", 450000, 1100, 3),
    ("Красноярск", 660000, 1100, 3),
    ("Воронеж", 394000, 1100, 3),
    ("Пермь", 614000, 1100, 3),
    ("Волгоград", 400000, 1100, 3),
    ("Краснодар", 350000, 1100, 3),
    ("Тюмень", 625000, 1100, 2),
    ("Саратов", 410000, 1100, 2),
    ("Ижевск", 426000, 1100, 2),
    ("Барнаул", 656000, 1100, 2),
    ("Иркутск", 664000, 1100, 2),
    ("Хабаровск", 680000, 1100, 1),
    ("Владивосток", 690000, 1100, 1),
    ("Ярославль", 150000, 1100, 1),
    ("Калининград", 236000, 1100, 1),
]
STREETS = [
    "ул. Ленина", "ул. Мира", "ул. Советская", "ул. Садовая", "ул. Гагарина", "ул. Молодёжная",
    "ул. Школьная", "ул. Лесная", "ул. Центральная", "ул. Новая", "пр-т Победы", "пр-т Ленина",
    "ул. Пушкина", "ул. Кирова", "ул. Октябрьская", "ул. Строителей", "ул. Набережная",
    "ул. Заречная", "ул. Зелёная", "б-р Космонавтов",
]

# A general online store: (category, parent category, name stems, brands, price range in RUB)
CATALOG = [
    ("Смартфоны", "Электроника", ["Смартфон"], ["Xiaomi Redmi Note 13", "Samsung Galaxy A55", "Apple iPhone 15",
     "realme 12", "HONOR X8b", "POCO X6", "Tecno Spark 20"], (9990, 119990)),
    ("Наушники", "Электроника", ["Наушники беспроводные", "Наушники накладные"], ["JBL Tune", "Sony WH",
     "Xiaomi Buds", "HUAWEI FreeBuds", "Apple AirPods", "Marshall Major"], (990, 29990)),
    ("Аксессуары для телефонов", "Электроника", ["Чехол", "Защитное стекло", "Зарядное устройство",
     "Кабель USB-C", "Power bank"], ["Baseus", "Ugreen", "Anker", "Deppa", "Borofone"], (290, 4990)),
    ("Ноутбуки", "Электроника", ["Ноутбук"], ["ASUS VivoBook", "Lenovo IdeaPad", "HUAWEI MateBook",
     "Acer Aspire", "HP Pavilion"], (34990, 149990)),
    ("Крупная бытовая техника", "Бытовая техника", ["Холодильник", "Стиральная машина", "Посудомоечная машина"],
     ["Haier", "Indesit", "Bosch", "LG", "Атлант", "Beko"], (24990, 99990)),
    ("Техника для кухни", "Бытовая техника", ["Чайник электрический", "Блендер", "Мультиварка", "Кофемашина",
     "Микроволновая печь"], ["Redmond", "Polaris", "Tefal", "Philips", "Scarlett", "Kitfort"], (1490, 49990)),
    ("Уход за домом", "Бытовая техника", ["Пылесос", "Робот-пылесос", "Утюг", "Отпариватель"],
     ["Dreame", "Xiaomi", "Tefal", "Kitfort", "Dyson"], (2990, 59990)),
    ("Посуда", "Дом и сад", ["Набор кастрюль", "Сковорода", "Набор ножей", "Сервиз"],
     ["Tefal", "Rondell", "Гипфел", "Luminarc", "Нева Металл Посуда"], (790, 14990)),
    ("Текстиль", "Дом и сад", ["Комплект постельного белья", "Плед", "Подушка", "Одеяло"],
     ["Togas", "Ecotex", "Текс-Дизайн", "Мона Лиза"], (890, 12990)),
    ("Сад и дача", "Дом и сад", ["Шланг садовый", "Секатор", "Газонокосилка", "Гриль угольный"],
     ["Gardena", "Palisad", "Fiskars", "Patriot"], (390, 39990)),
    ("Игрушки", "Детские товары", ["Конструктор", "Кукла", "Радиоуправляемая машина", "Настольная игра"],
     ["LEGO", "Barbie", "Hot Wheels", "Hasbro", "Играем вместе"], (490, 14990)),
    ("Детское питание и уход", "Детские товары", ["Подгузники", "Детская смесь", "Влажные салфетки"],
     ["Pampers", "Huggies", "NAN", "Фрутоняня"], (290, 3990)),
    ("Спорт и отдых", "Спорт", ["Гантели", "Коврик для йоги", "Велосипед", "Самокат", "Палатка"],
     ["Demix", "Torneo", "Stern", "Kugoo", "Outventure"], (590, 49990)),
    ("Красота и здоровье", "Красота", ["Фен", "Выпрямитель", "Электрическая зубная щётка", "Массажёр"],
     ["Philips", "Braun", "Oral-B", "Rowenta", "Dewal"], (990, 24990)),
    # the goods people come back for: what durables consume, and the everyday basket
    ("Принтеры и МФУ", "Электроника", ["Принтер лазерный", "МФУ лазерное"],
     ["HP LaserJet", "Canon i-SENSYS", "Pantum", "Brother", "Kyocera"], (8990, 59990)),
    ("Картриджи и бумага", "Электроника", ["Картридж", "Тонер-картридж", "Бумага офисная А4"],
     ["HP", "Canon", "Cactus", "Pantum", "SvetoCopy"], (290, 7990)),
    ("Кофе и капсулы", "Продукты", ["Капсулы для кофемашины", "Кофе в зёрнах", "Кофе молотый"],
     ["Nescafé Dolce Gusto", "Starbucks", "Lavazza", "Paulig", "Жокей", "Coffesso"], (290, 2990)),
    ("Бытовая химия", "Дом и сад", ["Капсулы для стирки", "Таблетки для посудомоечной машины",
     "Средство для мытья посуды", "Кондиционер для белья"], ["Persil", "Finish", "Fairy", "Ariel", "Synergetic",
     "Frosch"], (190, 2490)),
    ("Корм для животных", "Зоотовары", ["Сухой корм для кошек", "Сухой корм для собак", "Влажный корм для кошек",
     "Наполнитель для кошачьего туалета"], ["Royal Canin", "Purina Pro Plan", "Whiskas", "Pedigree", "Brit",
     "Monge"], (190, 6990)),
]
# The brands of a stem that not all its category's brands make (no «Детская смесь Pampers», «Кукла Hot
# Wheels», «Сухой корм для собак Whiskas», «Фен Oral-B»): as many as the category's, which they replace for
# it, so that a product's place, price and cost stay. The complements' brands stay (a printer's cartridges
# are of its brand: HP, Canon, Pantum), and no brand here is one of the durables whose complement it is.
BRANDS_BY_STEM = {
    "Наушники накладные": ["JBL Tune", "Sony WH", "Sennheiser HD", "Audio-Technica ATH", "Philips TAH",
                           "Marshall Major"],
    "Посудомоечная машина": ["Haier", "Indesit", "Bosch", "LG", "Weissgauff", "Beko"],
    "Утюг": ["Philips", "Polaris", "Tefal", "Kitfort", "Braun"],
    "Отпариватель": ["Philips", "Polaris", "Tefal", "Kitfort", "Rowenta"],
    "Сковорода": ["Tefal", "Rondell", "Гипфел", "Fissman", "Нева Металл Посуда"],
    "Набор ножей": ["Tefal", "Rondell", "Гипфел", "Fissman", "Samura"],
    "Сервиз": ["Luminarc", "Lefard", "Гипфел", "Fissman", "Добрушский фарфор"],
    "Гриль угольный": ["Weber", "Palisad", "Go Garden", "Forester"],
    "Конструктор": ["LEGO", "Cobi", "Sluban", "Mega Bloks", "Играем вместе"],
    "Кукла": ["Barbie", "Baby Born", "L.O.L. Surprise!", "Hasbro", "Играем вместе"],
    "Радиоуправляемая машина": ["Hot Wheels", "Maisto", "Rastar", "1 TOY", "Играем вместе"],
    "Настольная игра": ["Hasbro", "Hobby World", "Звезда", "Стиль жизни", "Играем вместе"],
    "Подгузники": ["Pampers", "Huggies", "Merries", "Libero"],
    "Детская смесь": ["Nutrilon", "Similac", "NAN", "Фрутоняня"],
    "Влажные салфетки": ["Pampers", "Huggies", "Merries", "Libero"],
    "Гантели": ["Demix", "Torneo", "Starfit", "Atemi", "Bradex"],
    "Коврик для йоги": ["Demix", "Torneo", "Starfit", "Atemi", "Bradex"],
    "Велосипед": ["Stern", "Stels", "Forward", "Merida", "Author"],
    "Самокат": ["Kugoo", "Micro", "Hudora", "Ninebot", "Ridex"],
    "Палатка": ["Outventure", "Greenell", "Tramp", "Trek Planet", "Nova Tour"],
    "Фен": ["Philips", "Braun", "Dyson", "Rowenta", "Dewal"],
    "Выпрямитель": ["Philips", "Braun", "Remington", "Rowenta", "Dewal"],
    "Электрическая зубная щётка": ["Philips Sonicare", "Braun", "Oral-B", "Revyline", "CS Medica"],
    "Массажёр": ["Yamaguchi", "Beurer", "Medisana", "Planta", "Bradex"],
    "Картридж": ["HP", "Canon", "Cactus", "Pantum", "NV Print"],
    "Тонер-картридж": ["HP", "Canon", "Cactus", "Pantum", "NV Print"],
    "Кофе в зёрнах": ["Julius Meinl", "Starbucks", "Lavazza", "Paulig", "Жокей", "Coffesso"],
    "Кофе молотый": ["Jardin", "Starbucks", "Lavazza", "Paulig", "Жокей", "Coffesso"],
    "Капсулы для стирки": ["Persil", "Tide", "Losk", "Ariel", "Synergetic", "Frosch"],
    "Таблетки для посудомоечной машины": ["Somat", "Finish", "Fairy", "Calgonit", "Synergetic", "Frosch"],
    "Средство для мытья посуды": ["AOS", "Sorti", "Fairy", "Mama Lemon", "Synergetic", "Frosch"],
    "Кондиционер для белья": ["Lenor", "Vernel", "Comfort", "Silan", "Synergetic", "Frosch"],
    "Сухой корм для кошек": ["Royal Canin", "Purina Pro Plan", "Whiskas", "Hill's", "Brit", "Monge"],
    "Сухой корм для собак": ["Royal Canin", "Purina Pro Plan", "Chappi", "Pedigree", "Brit", "Monge"],
    "Влажный корм для кошек": ["Royal Canin", "Purina Pro Plan", "Whiskas", "Felix", "Brit", "Monge"],
    "Наполнитель для кошачьего туалета": ["Pi-Pi-Bent", "Catsan", "Ever Clean", "N1", "Brit Fresh", "Barsik"],
}
# What a product costs the store, as a share of its shelf price (the purchase price, VAT excluded, as
# the order lines' «Cost»): thin on smartphones, laptops and the big appliances, which every store
# sells at the same price, thick on accessories, textiles and the goods of its own choosing. A
# product's share is drawn in its category's range (:func:`.distributions.product_cost`).
COST_SHARE = {
    "Смартфоны": (0.80, 0.90), "Наушники": (0.60, 0.75), "Аксессуары для телефонов": (0.35, 0.55),
    "Ноутбуки": (0.80, 0.90), "Крупная бытовая техника": (0.72, 0.82), "Техника для кухни": (0.62, 0.75),
    "Уход за домом": (0.62, 0.75), "Посуда": (0.50, 0.65), "Текстиль": (0.45, 0.60), "Сад и дача": (0.55, 0.70),
    "Игрушки": (0.55, 0.70), "Детское питание и уход": (0.75, 0.85), "Спорт и отдых": (0.55, 0.70),
    "Красота и здоровье": (0.55, 0.70), "Принтеры и МФУ": (0.75, 0.85), "Картриджи и бумага": (0.50, 0.65),
    "Кофе и капсулы": (0.60, 0.75), "Бытовая химия": (0.65, 0.78), "Корм для животных": (0.70, 0.82),
}
# What tells apart the products of a stem and brand: colours and lines by default, gigabytes only where a
# store sells them (a fresh demo store's lists read «Детская смесь Pampers 64 ГБ», «Наушники … 64 ГБ»).
SIZES = ["", " белый", " чёрный", " серый", " синий", " mini", " Pro", " Max", " Lite", " Plus", " Air"]
SIZES_BY_CATEGORY = {
    "Смартфоны": ["", " 64 ГБ", " 128 ГБ", " 256 ГБ", " белый", " чёрный", " серый", " синий", " mini", " Pro",
                  " Max"],
    "Ноутбуки": ["", " 256 ГБ", " 512 ГБ", " 1 ТБ", " серый", " серебристый", " Pro", " Plus", " Air", " OLED",
                 " 16 ГБ ОЗУ"],
    "Детское питание и уход": ["", " Premium", " Comfort", " Sensitive", " Extra Care", " Pure", " Active",
                               " Classic", " мини-упаковка", " мега-упаковка", " 2 шт."],
    "Принтеры и МФУ": ["", " Pro", " Plus", " Wi-Fi", " Duplex", " M", " Lite", " Pro Wi-Fi", " Plus Duplex",
                       " M Wi-Fi", " Lite Duplex"],
    "Картриджи и бумага": ["", " чёрный", " XL", " голубой", " пурпурный", " жёлтый", " 500 листов", " 2 шт."],
    "Кофе и капсулы": ["", " 250 г", " 1 кг", " 16 шт.", " Crema", " Intenso", " без кофеина", " 500 г"],
    "Бытовая химия": ["", " 1 л", " 30 шт.", " 2 л", " 60 шт.", " лимон", " лаванда", " Sensitive"],
    "Корм для животных": ["", " 400 г", " 2 кг", " 10 кг", " курица", " лосось", " индейка", " 15 кг"],
}

# A stem's own suffixes where its category's do not fit it (no «Бумага офисная А4 HP голубой», «Кофе в зёрнах
# 16 шт.», «Наполнитель … курица»), as many as its category's: a product keeps its place, price and cost.
SIZES_BY_STEM = {
    "Бумага офисная А4": ["", " 500 листов", " 2500 листов", " 80 г/м²", " Premium", " 5 пачек", " Eco",
                          " 250 листов"],
    "Картридж": ["", " чёрный", " XL", " голубой", " пурпурный", " жёлтый", " 2 шт.", " XXL"],
    "Тонер-картридж": ["", " чёрный", " XL", " голубой", " пурпурный", " жёлтый", " 2 шт.", " XXL"],
    "Капсулы для кофемашины": ["", " 16 шт.", " 30 шт.", " 10 шт.", " Crema", " Intenso", " без кофеина",
                               " 48 шт."],
    "Кофе в зёрнах": ["", " 250 г", " 1 кг", " 500 г", " Crema", " Intenso", " без кофеина", " 200 г"],
    "Кофе молотый": ["", " 250 г", " 1 кг", " 500 г", " Crema", " Intenso", " без кофеина", " 200 г"],
    "Капсулы для стирки": ["", " 15 шт.", " 30 шт.", " 45 шт.", " 60 шт.", " Color", " лаванда", " Sensitive"],
    "Таблетки для посудомоечной машины": ["", " 15 шт.", " 30 шт.", " 45 шт.", " 60 шт.", " лимон", " All in 1",
                                          " Sensitive"],
    "Средство для мытья посуды": ["", " 500 мл", " 1 л", " 2 л", " 450 мл", " лимон", " алоэ", " Sensitive"],
    "Кондиционер для белья": ["", " 1 л", " 2 л", " 500 мл", " 3 л", " лаванда", " Свежесть", " Sensitive"],
    "Влажный корм для кошек": ["", " 85 г", " 12 × 85 г", " 400 г", " курица", " лосось", " индейка",
                               " 24 × 85 г"],
    "Наполнитель для кошачьего туалета": ["", " 5 л", " 10 л", " 4 кг", " комкующийся", " впитывающий",
                                          " силикагелевый", " 15 кг"],
}

# How the categories are bought (the customers of :mod:`.distributions` behave by them).
# Durable goods, bought once and kept: the weight of each category among the durables a customer's
# first order is built around.
DURABLES = {
    "Смартфоны": 3.0, "Техника для кухни": 2.5, "Крупная бытовая техника": 1.5, "Принтеры и МФУ": 1.5,
    "Ноутбуки": 1.0, "Уход за домом": 1.0, "Красота и здоровье": 1.0,
}
# Consumables, re-bought on a cycle: (mean days between purchases, weight among the customers who
# come with such a habit rather than for a durable's complement).
CONSUMABLES = {
    "Детское питание и уход": (28, 3.0), "Корм для животных": (30, 3.0), "Кофе и капсулы": (30, 1.0),
    "Бытовая химия": (45, 2.0), "Картриджи и бумага": (75, 0.5),
}
# The complement a durable's owner comes back for, by the product's name stem: the coffee machine's
# capsules, the printer's cartridges, the dishwasher's tablets, the smartphone's case and glass.
COMPLEMENTS = {
    "Кофемашина": "Кофе и капсулы", "Принтер лазерный": "Картриджи и бумага", "МФУ лазерное": "Картриджи и бумага",
    "Посудомоечная машина": "Бытовая химия", "Стиральная машина": "Бытовая химия",
    "Смартфон": "Аксессуары для телефонов",
}
# Categories bought together: the other lines of an order whose main line is of the key's category.
BOUGHT_TOGETHER = {
    "Смартфоны": ["Аксессуары для телефонов", "Наушники"],
    "Наушники": ["Аксессуары для телефонов"],
    "Аксессуары для телефонов": ["Наушники"],
    "Ноутбуки": ["Наушники", "Аксессуары для телефонов", "Принтеры и МФУ"],
    "Крупная бытовая техника": ["Бытовая химия", "Уход за домом"],
    "Техника для кухни": ["Посуда", "Кофе и капсулы"],
    "Уход за домом": ["Бытовая химия"],
    "Посуда": ["Техника для кухни", "Текстиль"],
    "Текстиль": ["Посуда"],
    "Сад и дача": ["Спорт и отдых"],
    "Игрушки": ["Детское питание и уход"],
    "Детское питание и уход": ["Игрушки", "Бытовая химия"],
    "Спорт и отдых": ["Сад и дача"],
    "Красота и здоровье": ["Бытовая химия"],
    "Принтеры и МФУ": ["Картриджи и бумага"],
    "Картриджи и бумага": ["Кофе и капсулы"],
    "Кофе и капсулы": ["Бытовая химия", "Посуда"],
    "Бытовая химия": ["Корм для животных", "Кофе и капсулы", "Детское питание и уход"],
    "Корм для животных": ["Бытовая химия"],
}

# Where requests come from: (source xmlid, medium xmlid, weight, campaign names)
CHANNELS = [
    ("ecom_crm.utm_source_yandex_direct", "ecom_crm.utm_medium_cpc", 30,
     ["Поиск — бренд", "РСЯ — ретаргетинг", "Поиск — смартфоны", "Товарная кампания"]),
    ("ecom_crm.utm_source_google_ads", "ecom_crm.utm_medium_cpc", 10, ["Search — brand", "Shopping"]),
    ("ecom_crm.utm_source_avito", "ecom_crm.utm_medium_classifieds", 14, ["Авито — объявления"]),
    ("ecom_crm.utm_source_vk", "ecom_crm.utm_medium_social", 10, ["VK — таргет", "VK — сообщество"]),
    ("ecom_crm.utm_source_website", "ecom_crm.utm_medium_organic", 18, []),
    ("ecom_crm.utm_source_phone", "utm.utm_medium_phone", 10, []),
    ("ecom_crm.utm_source_email", "utm.utm_medium_email", 4, ["Рассылка — распродажа"]),
    ("ecom_crm.utm_source_marketplace", "ecom_crm.utm_medium_marketplace", 4, []),
]

# The channels of the orders placed on the site without a request (a visitor's UTM, as the site passes it
# to the order): the paid ones, the e-mails' links and organic visitors, by weight, on the share of such
# orders that carry one (the others: typed in by a manager, from 1C, or a visit with no UTM). A won
# request's order carries its request's channel (as Odoo's sale_crm copies it).
SITE_ORDER_CHANNEL_SHARE = 0.5
SITE_ORDER_CHANNELS = {
    "ecom_crm.utm_source_yandex_direct": 30, "ecom_crm.utm_source_google_ads": 10, "ecom_crm.utm_source_vk": 10,
    "ecom_crm.utm_source_website": 35, "ecom_crm.utm_source_email": 8,
}

# Month-of-year weight of online retail demand in Russia (1 = January): a summer lull,
# the November sales (11.11, «Чёрная пятница») and the New Year peak.
SEASONALITY = [0.80, 0.78, 0.92, 0.90, 0.88, 0.82, 0.80, 0.86, 0.95, 1.00, 1.38, 1.55]

MANAGER_NAMES = [
    ("Кравченко", "Алина", "Сергеевна"), ("Орехов", "Дмитрий", "Павлович"), ("Лаптева", "Ксения", "Игоревна"),
    ("Белоусов", "Артём", "Андреевич"), ("Зуева", "Марина", "Олеговна"), ("Ткачёв", "Роман", "Викторович"),
    ("Щербакова", "Ольга", "Николаевна"), ("Гончаров", "Илья", "Сергеевич"), ("Руденко", "Анна", "Юрьевна"),
    ("Панов", "Кирилл", "Алексеевич"), ("Фомина", "Дарья", "Евгеньевна"), ("Ершов", "Максим", "Игоревич"),
]

# the store's owner: the administrator of a demo database
OWNER_NAME = ("Андреев", "Алексей", "Сергеевич")

# Advertising: the paid channels' campaigns beyond those of CHANNELS (50 in all), for a year of daily
# ad spend on the channels and campaigns the requests and orders carry
AD_EXTRA_CAMPAIGNS = {
    "ecom_crm.utm_source_yandex_direct": [f"Поиск — {name}" for name in (
        "ноутбуки", "телевизоры", "пылесосы", "кофемашины", "холодильники", "стиральные машины", "наушники",
        "планшеты", "детские коляски", "автокресла", "корм для животных", "бытовая химия", "посуда",
        "принтеры", "картриджи", "смарт-часы", "игровые приставки", "фены")],
    "ecom_crm.utm_source_google_ads": [f"Search — {name}" for name in (
        "laptops", "smartphones", "TV", "vacuum cleaners", "coffee machines", "headphones")],
    "ecom_crm.utm_source_vk": [f"VK — {name}" for name in (
        "ретаргетинг корзины", "look-alike покупателей", "мамы с детьми", "владельцы животных", "геймеры",
        "распродажа", "новинки", "клипы")],
    "ecom_crm.utm_source_avito": ["Авито — электроника", "Авито — детские товары", "Авито — бытовая техника",
                                  "Авито — уценка", "Авито — доставка"],
    "ecom_crm.utm_source_email": ["Рассылка — брошенная корзина", "Рассылка — новинки", "Рассылка — день рождения"],
}
# What each paid channel's spend is of its orders' revenue (ДРР, доля рекламных расходов: spend /
# revenue incl. VAT), as a Russian store's: 3–15% on the ad systems, less on Avito's listings and the
# e-mail service. A month's spend follows the month's revenue of the channel half-way (the other half
# its year's average: a small store's month of few orders is no reason to stop the ads), ±30% a day.
AD_DRR = {
    "ecom_crm.utm_source_yandex_direct": 0.08, "ecom_crm.utm_source_google_ads": 0.10,
    "ecom_crm.utm_source_vk": 0.12, "ecom_crm.utm_source_avito": 0.05, "ecom_crm.utm_source_email": 0.02,
}
# the cabinet each paid channel's spend is imported from
AD_CABINETS = {
    "ecom_crm.utm_source_yandex_direct": "yandex_direct", "ecom_crm.utm_source_google_ads": "google_ads",
    "ecom_crm.utm_source_vk": "vk", "ecom_crm.utm_source_avito": "avito", "ecom_crm.utm_source_email": "generic",
}
AD_SPEND_DAYS = 365
