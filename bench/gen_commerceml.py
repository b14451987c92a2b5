"""Generate a CommerceML 2 catalog (import.xml), offers package (offers.xml) and the same products as
a CSV for Odoo's import, with N products, for bench/commerceml.sh. Streams to disk: any N.
With BENCH_WHOLESALE=1 every offer also has a wholesale price (a second price type)."""

import csv
import os
import sys

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" '
        'ВерсияСхемы="2.07" ДатаФормирования="2026-11-20T10:00:00">\n')


def main(count, folder, wholesale=False):
    groups = [(f"g{i:04d}", f"Группа товаров {i}") for i in range(50)]
    with open(f"{folder}/import.xml", "w", encoding="utf-8") as out, \
            open(f"{folder}/products.csv", "w", encoding="utf-8", newline="") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(["name", "default_code", "barcode", "list_price", "type", "description_sale"])
        out.write(HEAD + "<Классификатор><Ид>cat</Ид><Наименование>Каталог</Наименование><Группы>")
        for gid, name in groups:
            out.write(f"<Группа><Ид>{gid}</Ид><Наименование>{name}</Наименование></Группа>")
        out.write('</Группы></Классификатор><Каталог СодержитТолькоИзменения="false"><Ид>cat</Ид>'
                  "<ИдКлассификатора>cat</ИдКлассификатора><Наименование>Каталог</Наименование><Товары>\n")
        for i in range(count):
            name = f"Товар {i} для стенда, модель {i % 997}"
            out.write(f"<Товар><Ид>{i:08d}-1c00-0000-0000-000000000000</Ид><Штрихкод>46{i:011d}</Штрихкод>"
                      f"<Артикул>ART-{i}</Артикул><Наименование>{name}</Наименование>"
                      '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука" МеждународноеСокращение="PCE"/>'
                      f"<Группы><Ид>{groups[i % 50][0]}</Ид></Группы><Описание>Описание товара {i}</Описание>"
                      "<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>20</Ставка>"
                      "</СтавкаНалога></СтавкиНалогов></Товар>\n")
            writer.writerow([name, f"ART-{i}", f"46{i:011d}", 100 + i % 5000, "consu", f"Описание товара {i}"])
        out.write("</Товары></Каталог></КоммерческаяИнформация>\n")
    with open(f"{folder}/offers.xml", "w", encoding="utf-8") as out:
        price_types = "<ТипЦены><Ид>retail</Ид><Наименование>Розничная</Наименование><Валюта>RUB</Валюта></ТипЦены>"
        if wholesale:
            price_types += ("<ТипЦены><Ид>wholesale</Ид><Наименование>Оптовая</Наименование><Валюта>RUB</Валюта>"
                            "</ТипЦены>")
        out.write(HEAD + '<ПакетПредложений СодержитТолькоИзменения="false"><Ид>cat#</Ид><ИдКаталога>cat</ИдКаталога>'
                  f"<ТипыЦен>{price_types}</ТипыЦен><Склады><Склад><Ид>w1</Ид><Наименование>Основной</Наименование>"
                  "</Склад></Склады><Предложения>\n")
        for i in range(count):
            out.write(f"<Предложение><Ид>{i:08d}-1c00-0000-0000-000000000000</Ид><Наименование>Товар {i}</Наименование>"
                      f"<Цены><Цена><ИдТипаЦены>retail</ИдТипаЦены><ЦенаЗаЕдиницу>{100 + i % 5000},00</ЦенаЗаЕдиницу>"
                      "<Валюта>RUB</Валюта><Коэффициент>1</Коэффициент></Цена>"
                      + (f"<Цена><ИдТипаЦены>wholesale</ИдТипаЦены><ЦенаЗаЕдиницу>{90 + i % 4500},00</ЦенаЗаЕдиницу>"
                         "<Валюта>RUB</Валюта><Коэффициент>1</Коэффициент></Цена>" if wholesale else "")
                      + "</Цены>"
                      f'<Количество>{i % 40}</Количество><Склад ИдСклада="w1" КоличествоНаСкладе="{i % 40}"/>'
                      "</Предложение>\n")
        out.write("</Предложения></ПакетПредложений></КоммерческаяИнформация>\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], wholesale=os.environ.get("BENCH_WHOLESALE") == "1")
